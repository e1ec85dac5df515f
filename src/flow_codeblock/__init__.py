"""flow-codeblock: run untrusted JavaScript code blocks in pooled, sandboxed V8 runtimes."""

__version__ = "0.1.0"

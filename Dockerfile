# syntax=docker/dockerfile:1
# flow-codeblock: three stages, a slim runtime image that runs as a non-root user
# and works with a read-only root filesystem (only /tmp must be writable).

# 1. The JavaScript bundles (V8 bootstrap, npm modules, playground), from the lock file.
FROM node:20-bookworm-slim AS js
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY js ./js
# The host bridge's table, shared with the Python package (js/lib/internal/bridge.js).
COPY src/flow_codeblock/bridge_constants.json ./src/flow_codeblock/
RUN node js/build.mjs

# 2. The Python package and its pinned dependencies, in a virtual environment.
FROM python:3.11-slim-bookworm AS py
WORKDIR /build
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
COPY --from=js /build/src/flow_codeblock/js_dist ./src/flow_codeblock/js_dist
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/venv/bin/pip install --no-cache-dir -c constraints.txt . \
 && /opt/venv/bin/python -c "import flow_codeblock.bundles as b; b.load_bootstrap(); b.module_catalog()"

# 3. The runtime: the virtual environment only, no compilers, no Node.
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LOG_FORMAT=json \
    PORT=3002 \
    TMPDIR=/tmp
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin codeblock
COPY --from=py /opt/venv /opt/venv
USER 10001:10001
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3002') + '/health', timeout=2)"]
ENTRYPOINT ["codeblock", "serve"]

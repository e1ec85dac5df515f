"""bundles.py: the order in which a code block's modules are installed."""

from __future__ import annotations

from flow_codeblock.bundles import ModuleCatalog, module_catalog

NAMES = ["url", "stream/web", "fetch", "stream", "stream/promises", "axios", "qs"]


def catalog() -> ModuleCatalog:
    return ModuleCatalog(
        files={name: f"{name}.js" for name in NAMES},
        aliases={},
        requires={"fetch": ["url"], "stream": ["stream/web"], "stream/promises": ["stream"], "axios": ["fetch"]},
        globals={"URL": "url", "ReadableStream": "stream/web", "Response": "fetch"},
    )


def test_requirements_come_first() -> None:
    assert catalog().install_order(("stream/promises",)) == ("stream/web", "stream", "stream/promises")
    assert catalog().install_order(("qs", "axios")) == ("url", "fetch", "qs", "axios")


def test_modules_that_define_globals_come_in_the_manifests_order_whatever_the_code_names_first() -> None:
    # The global object's keys follow install order: the same set gives the same order.
    expected_globals_order = ["url", "stream/web", "fetch"]
    for names in [("axios", "stream/promises"), ("stream/promises", "axios"), ("fetch", "stream", "url"),
                  ("qs", "stream/promises", "fetch")]:
        order = catalog().install_order(names)
        assert [m for m in order if m in expected_globals_order] == expected_globals_order, names
        assert set(order) >= set(names)


def test_the_built_catalog_orders_url_streams_and_fetch() -> None:
    built = module_catalog()
    order = built.install_order(("axios", "stream"))
    assert order.index("url") < order.index("stream/web") < order.index("internal:fetch")

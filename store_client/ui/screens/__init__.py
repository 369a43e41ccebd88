"""The screens of the main window; importing this package registers the built-in ones.

A new screen: a module here that calls ``screen_spec.register(ScreenSpec(...))`` (its
``order`` places it on the navigation rail) and one import line below. A screen imports
:mod:`store_client.ui.screen_spec`, never ``screen_registry``, which imports this package.
"""

from store_client.ui.screens import (  # noqa: F401
    audit_screen,
    board_screen,
    checkout,
    diagnostics,
    member_screen,
    operators_screen,
    pickup_screen,
    print_jobs,
    product_lookup,
    returns_screen,
    shift_screen,
    stock_count_screen,
    sync_screen,
)

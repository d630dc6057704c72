"""The footer of keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer rebuilds every key widget whenever bindings might have changed: about
    ten times while the app starts and on every focus change, which was most of the first
    frame's cost and made Tab take ~100 ms. Rebuild only when the shown keys differ."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        shown = tuple((binding.key, binding.action, binding.description, enabled)
                      for _, binding, enabled, _ in screen.active_bindings.values() if binding.show)
        if shown != self._shown:
            self._shown = shown
            self.call_after_refresh(self.recompose)

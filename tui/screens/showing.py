"""How a screen whose data takes a while to read comes back on top."""

from __future__ import annotations

A_FRAME = 1 / 60
"""How long work that can wait waits: a frame is written by a thread that needs the
interpreter, so work started the moment the frame is ready holds it up."""


class ReadsAfterShowing:
    """Shown again (switched to, a prompt closed, an undo), the screen paints what it
    showed last at once and reads what changed a frame later: once, however many
    times it was shown meanwhile, and only when data changed since."""

    _read_pending = False

    def on_screen_resume(self) -> None:
        if not self._read_pending and self.app.stale(self):
            self._read_pending = True
            self.set_timer(A_FRAME, self._read_again)

    def _read_again(self) -> None:
        self._read_pending = False
        if self.is_current:  # a prompt that opened another at once: wait for the last
            self.read_again()

    def read_again(self) -> None:
        self.reload()

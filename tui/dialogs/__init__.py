"""Modal dialogs shared by every screen: one `ModalScreen[T]` a file, with its own `.tcss`."""

"""The Friday retrospective: the sprint's numbers, the checklist, notes, action items, the close.

Each part lives in the module named for it, and callers import from that module
(this package itself holds nothing else):

- `model.retro.sprint`: the sprint a retro is about, the instant it is read at, its retro row;
- `model.retro.numbers`: the sprint's figures and burn, read from the task history;
- `model.retro.checklist`: the checklist, its automatic items read from the week's data;
- `model.retro.notes`: the went well / to improve notes and the action items;
- `model.retro.close`: closing the sprint, and the undo that takes the close back;
- `model.retro.view`: the retro as a whole, for the screen and as Markdown.
"""

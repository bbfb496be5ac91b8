"""`migrate init`: draft a plan from the app and the template, with the evidence for every entry.

`command.run_init` is what the CLI calls: `draft.infer` reads both sides (the template
rendered into scratch folders, the app as it is) and infers; `writer.plan_text` writes
the plan with a comment per entry. One module per step of the inference:

- what a tree defines: `definitions` (the data), `reader` (one module, with `ast`),
  `index` (a tree), `project` (a tree with its pyproject), `routes` (URLs of routes);
- the template: `render` (questions, renders, what each flag adds), `scaffold` (its app
  scaffolding read as a usage example of its library);
- the inference: `match` (module coverage), `answers`, `template_files` (the copier
  step's lists), `rebases`, `deletes`, `checks`, `checklist`;
- the plan: `model`, `plan_builder`, `writer`; and `compare` (two plans, section by section).
"""

"""`migrate init`: draft a plan from the app and the template, with the evidence for every entry.

`draft.infer` reads both sides (the template rendered into scratch folders, the app as it
is) and infers; `writer.plan_text` writes the plan with a comment per entry. The modules
are small and named for one step of the inference each: `render` (the template),
`index` and `project` (what a tree defines), `routes`, `match` (module coverage),
`scaffold` (the template's scaffolding as a usage example), `answers`, `template_files`
(the copier step's lists), `rebases`, `deletes`, `checks`, `checklist`, `plan_builder`,
`model` and `writer`.
"""

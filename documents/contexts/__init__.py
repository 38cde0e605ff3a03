"""Context builders: one function per document kind, `build(*, user, record_id | unit+period, base_url)`
returning a rendering.Document. Each reads its record through the owning app's scoped selector, so a
record outside the user's scope is a 404 before anything is rendered or numbered."""

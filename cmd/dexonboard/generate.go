package main

// The man pages (docs/man) and shell completions (completions/) are made
// from the command tree by a test, which also fails when they are stale:
// only package main can build the tree, and cobra/doc stays out of the
// program this way.
//go:generate go test -run ^TestManPagesAndCompletions$ . -args -update-docs

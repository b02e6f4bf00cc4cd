// Package once holds values built on first use rather than in package init.
package once

import "sync"

// Value is the T that New builds, on the first Get. Unlike a package-level
// sync.OnceValue(f), which is a call (and allocations) in package init, a
// package-level Value{New: f} is static data: processes that never use it
// pay nothing.
type Value[T any] struct {
	New  func() T
	once sync.Once
	v    T
}

// Get builds the value on the first call and returns it.
func (o *Value[T]) Get() T {
	o.once.Do(func() { o.v = o.New() })
	return o.v
}

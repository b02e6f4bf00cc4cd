// Package check holds the few assertions the upstream zxcvbn tests use, so
// the copied tests run without testify (and its dependencies) in go.mod.
// Each reports through t.Errorf and returns whether it held, as testify's
// assert does; msgAndArgs is an optional format and its arguments.
package check

import (
	"fmt"
	"reflect"
	"testing"
)

func fail(t testing.TB, what string, msgAndArgs []any) bool {
	t.Helper()
	if len(msgAndArgs) > 0 {
		if f, ok := msgAndArgs[0].(string); ok {
			what += ": " + fmt.Sprintf(f, msgAndArgs[1:]...)
		}
	}
	t.Error(what)
	return false
}

// Equal: expected and actual are deeply equal.
func Equal(t testing.TB, expected, actual any, msgAndArgs ...any) bool {
	t.Helper()
	if reflect.DeepEqual(expected, actual) {
		return true
	}
	return fail(t, fmt.Sprintf("not equal:\nexpected: %#v\nactual:   %#v", expected, actual), msgAndArgs)
}

// EqualValues: equal once actual is converted to expected's type.
func EqualValues(t testing.TB, expected, actual any, msgAndArgs ...any) bool {
	t.Helper()
	if reflect.DeepEqual(expected, actual) {
		return true
	}
	et, av := reflect.TypeOf(expected), reflect.ValueOf(actual)
	if et != nil && av.IsValid() && av.Type().ConvertibleTo(et) && reflect.DeepEqual(expected, av.Convert(et).Interface()) {
		return true
	}
	return fail(t, fmt.Sprintf("not equal values:\nexpected: %#v\nactual:   %#v", expected, actual), msgAndArgs)
}

// Empty: nil, a zero value, or a slice, map, string or channel of length 0.
func Empty(t testing.TB, obj any, msgAndArgs ...any) bool {
	t.Helper()
	v := reflect.ValueOf(obj)
	switch {
	case !v.IsValid():
		return true
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Map || v.Kind() == reflect.String || v.Kind() == reflect.Chan:
		if v.Len() == 0 {
			return true
		}
	case v.IsZero():
		return true
	}
	return fail(t, fmt.Sprintf("should be empty: %#v", obj), msgAndArgs)
}

// Len: obj has length n.
func Len(t testing.TB, obj any, n int, msgAndArgs ...any) bool {
	t.Helper()
	if v := reflect.ValueOf(obj); v.IsValid() && v.Len() == n {
		return true
	}
	return fail(t, fmt.Sprintf("should have length %d: %#v", n, obj), msgAndArgs)
}

// True: b holds.
func True(t testing.TB, b bool, msgAndArgs ...any) bool {
	t.Helper()
	if b {
		return true
	}
	return fail(t, "should be true", msgAndArgs)
}

// NoError stops the test on an error, as testify's require does.
func NoError(t testing.TB, err error, msgAndArgs ...any) {
	t.Helper()
	if err != nil {
		fail(t, "unexpected error: "+err.Error(), msgAndArgs)
		t.FailNow()
	}
}

//go:build !linux

package browsertest

// Elsewhere chromedp's own ending of the browser is all there is.
func killUsing(string) int { return 0 }

func running(string) []int { return nil }

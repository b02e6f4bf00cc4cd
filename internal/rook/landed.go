package rook

// Landed is what the page the browser ended on says of a connection
// ROOK could not make: ROOK's error code and its words [I: ROOK's codes
// are not documented].
type Landed struct {
	Error       string // ROOK's error code, cleaned; "" when none
	Description string
}

// Package ui is dexonboard's terminal interface: one Bubble Tea model per
// screen, routed by the wizard. Styles live here, keys in keys.go.
package ui

import (
	"github.com/charmbracelet/lipgloss"
)

// Theme holds every style, so a colour changes in one place. Colours adapt
// to light and dark terminals; lipgloss drops them under NO_COLOR.
type Theme struct {
	Header, Badge, BadgeProd, Muted, Title, Subtle  lipgloss.Style
	Sidebar, SidebarCurrent, Page                   lipgloss.Style
	Done, Todo, Attention, Current                  lipgloss.Style
	OK, Error, Warn, Key, Value, Help               lipgloss.Style
	Focused, Button, ButtonActive, Code             lipgloss.Style
	ChartIn, ChartLow, ChartHigh, RangeFill         lipgloss.Style
	RangeLine, Event, Big                           lipgloss.Style
	BarVeryLow, BarLow, BarIn, BarHigh, BarVeryHigh lipgloss.Style
}

var (
	colAccent  = lipgloss.AdaptiveColor{Light: "#0B6E4F", Dark: "#3DDC97"}
	colProd    = lipgloss.AdaptiveColor{Light: "#9A3412", Dark: "#FB923C"}
	colMuted   = lipgloss.AdaptiveColor{Light: "#6B7280", Dark: "#9CA3AF"}
	colText    = lipgloss.AdaptiveColor{Light: "#111827", Dark: "#E5E7EB"}
	colOK      = lipgloss.AdaptiveColor{Light: "#15803D", Dark: "#4ADE80"}
	colError   = lipgloss.AdaptiveColor{Light: "#B91C1C", Dark: "#F87171"}
	colWarn    = lipgloss.AdaptiveColor{Light: "#A16207", Dark: "#FACC15"}
	colBorder  = lipgloss.AdaptiveColor{Light: "#D1D5DB", Dark: "#4B5563"}
	colOnBadge = lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#0B1F17"}
	colRange   = lipgloss.AdaptiveColor{Light: "#ECFDF5", Dark: "#0F2A1F"}
	colVeryLow = lipgloss.AdaptiveColor{Light: "#7F1D1D", Dark: "#DC2626"}
)

// DefaultTheme is the one theme.
func DefaultTheme() Theme {
	s := lipgloss.NewStyle
	return Theme{
		Header:         s().Bold(true).Foreground(colText),
		Badge:          s().Bold(true).Foreground(colOnBadge).Background(colAccent).Padding(0, 1),
		BadgeProd:      s().Bold(true).Foreground(colOnBadge).Background(colProd).Padding(0, 1),
		Muted:          s().Foreground(colMuted),
		Title:          s().Bold(true).Foreground(colAccent),
		Subtle:         s().Foreground(colMuted).Italic(true),
		Sidebar:        s().Border(lipgloss.NormalBorder(), false, true, false, false).BorderForeground(colBorder).PaddingRight(1),
		SidebarCurrent: s().Bold(true).Foreground(colAccent),
		Page:           s().PaddingLeft(2),
		Done:           s().Foreground(colOK),
		Todo:           s().Foreground(colMuted),
		Attention:      s().Foreground(colWarn).Bold(true),
		Current:        s().Foreground(colAccent).Bold(true),
		OK:             s().Foreground(colOK).Bold(true),
		Error:          s().Foreground(colError).Bold(true),
		Warn:           s().Foreground(colWarn),
		Key:            s().Foreground(colMuted),
		Value:          s().Foreground(colText),
		Help:           s().Foreground(colMuted),
		Focused:        s().Foreground(colAccent).Bold(true),
		Button:         s().Foreground(colText),
		ButtonActive:   s().Foreground(colAccent).Bold(true).Reverse(true),
		Code:           s().Foreground(colAccent),
		ChartIn:        s().Foreground(colOK).Background(colRange),
		ChartLow:       s().Foreground(colError),
		ChartHigh:      s().Foreground(colWarn),
		RangeFill:      s().Background(colRange),
		RangeLine:      s().Foreground(colMuted).Background(colRange),
		Event:          s().Foreground(colAccent),
		Big:            s().Bold(true).Foreground(colText),
		BarVeryLow:     s().Foreground(colVeryLow),
		BarLow:         s().Foreground(colError),
		BarIn:          s().Foreground(colOK),
		BarHigh:        s().Foreground(colWarn),
		BarVeryHigh:    s().Foreground(colProd),
	}
}

// Command hellostack is the floor for dexonboard's start-up time: the same
// hello-world cobra program as hellocobra, linked with the libraries the
// project's stack names (Bubble Tea, Bubbles, Lip Gloss, x/oauth2, bbolt,
// x/crypto, age, net/http). It uses none of them; it only pays for their
// package initialisation and their size, as every dexonboard process does.
package main

import (
	"fmt"
	"os"

	_ "filippo.io/age"
	_ "filippo.io/age/armor"
	_ "github.com/charmbracelet/bubbles/help"
	_ "github.com/charmbracelet/bubbles/key"
	_ "github.com/charmbracelet/bubbles/progress"
	_ "github.com/charmbracelet/bubbles/spinner"
	_ "github.com/charmbracelet/bubbles/textarea"
	_ "github.com/charmbracelet/bubbles/textinput"
	_ "github.com/charmbracelet/bubbletea"
	_ "github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/crypto/chacha20poly1305"
	_ "golang.org/x/oauth2"
	_ "net/http"
)

func main() {
	root := &cobra.Command{Use: "hellostack", Short: "Hello, world", SilenceUsage: true}
	root.AddCommand(&cobra.Command{Use: "version", Short: "Print the version", Run: func(cmd *cobra.Command, _ []string) {
		fmt.Fprintln(cmd.OutOrStdout(), "hellostack dev")
	}})
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}

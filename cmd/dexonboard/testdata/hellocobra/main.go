// Command hellocobra is the yardstick for dexonboard's start-up time: a
// cobra root with a version subcommand and nothing else.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{Use: "hellocobra", Short: "Hello, world", SilenceUsage: true}
	root.AddCommand(&cobra.Command{Use: "version", Short: "Print the version", Run: func(cmd *cobra.Command, _ []string) {
		fmt.Fprintln(cmd.OutOrStdout(), "hellocobra dev")
	}})
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}

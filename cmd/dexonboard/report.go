package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/tryrook/dexonboard/internal/report"
	"github.com/tryrook/dexonboard/internal/vault"
)

func newReportCmd(e *env) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:  "report PROFILE",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if format != "md" && format != "html" && format != "json" {
				return exitWith(exitUsage, fmt.Errorf("--format: use md, html or json"))
			}
			return withVaultRead(e, func(v *vault.Vault) error {
				p, err := v.Profile(args[0])
				if err != nil {
					return exitWith(exitVault, err)
				}
				doc, err := report.Build(v, p, time.Now())
				if err != nil {
					return exitWith(exitVault, err)
				}
				text, err := render(doc, format)
				if err != nil {
					return exitWith(exitFailure, err)
				}
				if out == "" {
					_, err = fmt.Fprint(e.ios.Out, text)
					return err
				}
				if err := writeNew(out, []byte(text)); err != nil {
					return exitWith(exitFailure, err)
				}
				fmt.Fprintln(e.ios.Out, "report written:", out)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "md", "md, html or json")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

func render(doc *report.Doc, format string) (string, error) {
	switch format {
	case "json":
		b, err := doc.JSON()
		return string(b) + "\n", err
	case "html":
		return doc.HTML()
	}
	return doc.Markdown(), nil
}

package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
)

// Run opens the workbench on the terminal and returns when the user quits
// or ctx ends (which is not an error: the user asked to stop). opts are
// extra program options (tests give input and output).
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) error {
	m := New(ctx, cfg)
	opts = append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)
	if cfg.Env != nil {
		opts = append(opts, tea.WithEnvironment(cfg.Env))
	}
	_, err := tea.NewProgram(m, opts...).Run()
	if m.cancelSession != nil {
		m.cancelSession()
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}

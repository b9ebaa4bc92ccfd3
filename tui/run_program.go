package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
)

// Run opens the workbench on the terminal and returns when the user quits
// or ctx ends (which is not an error: the user asked to stop). Keys come
// from cfg.Input and the screen goes to cfg.Output when they are set; opts
// are extra program options, applied last (tests give input and output).
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) error {
	m := New(ctx, cfg)
	base := []tea.ProgramOption{tea.WithContext(ctx)}
	if cfg.Env != nil {
		base = append(base, tea.WithEnvironment(cfg.Env))
	}
	// Keys are read through the paste guard (pasteguard.go), so that no
	// paste can stall the terminal's input decoder.
	guarded, closeInput := guardInput(cfg.Input)
	defer closeInput()
	if guarded != nil {
		base = append(base, guarded)
	}
	if cfg.Output != nil {
		base = append(base, tea.WithOutput(cfg.Output))
	}
	if cfg.Width > 0 && cfg.Height > 0 {
		base = append(base, tea.WithWindowSize(cfg.Width, cfg.Height))
	}
	opts = append(base, opts...)
	_, err := tea.NewProgram(m, opts...).Run()
	if m.cancelSession != nil {
		m.cancelSession()
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return nil
	}
	return err
}

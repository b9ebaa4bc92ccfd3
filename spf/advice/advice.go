package advice

// Advisor is mxray's spf.Advisor: install it with
// spf.WithAdvisor(advice.Advisor{}) and every tree, verdict and report the
// engine makes carries these findings. It has no state; the zero value is
// ready to use and safe for concurrent use.
type Advisor struct{}

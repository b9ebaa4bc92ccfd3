package dnsclient

import (
	"context"
	"errors"
	"time"

	"github.com/miekg/dns"
)

// route is where a question goes.
type route struct {
	servers []string
	rd      bool
	zone    string // authoritative mode: the zone whose nameservers these are
}

// ask puts one question to the route's servers: the first attempt gets
// half of Timeout, the retry (the next server, or the same one when there is
// only one) the rest; SERVFAIL, REFUSED and other failing RCODEs move on to
// the next server while time remains. It returns the first NOERROR or
// NXDOMAIN reply, else the last failing reply, else the last error.
func (c *Client) ask(ctx context.Context, name string, qtype uint16, rt route) (wireReply, error) {
	if len(rt.servers) == 0 {
		return wireReply{}, ErrNoServers
	}
	release, err := c.slots.acquire(ctx, PriorityFrom(ctx), upgradeFrom(ctx))
	if err != nil {
		return wireReply{}, err
	}
	defer release()

	now := time.Now()
	overall := now.Add(c.cfg.Timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(overall) {
		overall = dl
	}
	order := rt.servers
	if len(order) == 1 {
		order = []string{order[0], order[0]}
	}
	q := query{name: name, qtype: qtype, rd: rt.rd}
	var (
		failed    wireReply // last reply with a failing RCODE
		lastErr   error
		lastSrv   string
		haveReply bool
	)
	for i, srv := range order {
		if i > 0 && len(rt.servers) == 1 && !errors.Is(lastErr, ErrTimeout) {
			break // one server: retry it only when it did not answer
		}
		if time.Until(overall) <= 0 {
			break
		}
		attemptDL := overall
		if i == 0 {
			attemptDL = now.Add(c.cfg.Timeout / 2)
			if attemptDL.After(overall) {
				attemptDL = overall
			}
		}
		lastSrv = srv
		rep, err := c.exchange(ctx, srv, q, attemptDL, overall)
		if err != nil {
			if contextErr(ctx) != nil || errors.Is(err, ErrQueryBudget) {
				return rep, err
			}
			lastErr = err
			continue
		}
		if rep.msg.Rcode == dns.RcodeSuccess || rep.msg.Rcode == dns.RcodeNameError {
			return rep, nil
		}
		failed, haveReply, lastErr = rep, true, nil
	}
	if haveReply {
		return failed, nil
	}
	if err := contextErr(ctx); err != nil {
		return wireReply{server: lastSrv}, err
	}
	if lastErr == nil {
		lastErr = ErrTimeout
	}
	return wireReply{server: lastSrv}, lastErr
}

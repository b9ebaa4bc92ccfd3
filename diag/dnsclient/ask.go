package dnsclient

import (
	"context"
	"errors"
	"time"

	"github.com/miekg/dns"
)

// route is where a question goes.
type route struct {
	servers   []string
	rd        bool
	zone      string // authoritative mode: the zone whose nameservers these are
	resolvers bool   // servers are Config.Servers (tracked by Config.Health)
}

// ask puts one question to the route's servers: the first attempt gets
// half of Timeout, the retry (the next server, or the same one when there is
// only one) the rest; SERVFAIL, REFUSED and other failing RCODEs move on to
// the next server while time remains. It returns the first NOERROR or
// NXDOMAIN reply, else the last failing reply, else the last error.
//
// With a shared Cache, a reply kept there, or one another client is
// waiting for, is used instead of asking.
func (c *Client) ask(ctx context.Context, name string, qtype uint16, rt route) (wireReply, error) {
	if len(rt.servers) == 0 {
		return wireReply{}, ErrNoServers
	}
	cache := c.cfg.Cache
	if c.cfg.Authoritative {
		cache = nil
	}
	var key string
	if cache != nil {
		key = cacheKey(rt.servers, rt.rd, name, qtype)
		if m, srv, ok := cache.get(key); ok {
			return wireReply{msg: m, server: srv, shared: true}, nil
		}
	}
	release, err := c.slots.acquire(ctx, PriorityFrom(ctx), upgradeFrom(ctx))
	if err != nil {
		return wireReply{}, err
	}
	defer release()
	if cache == nil {
		return c.askWire(ctx, name, qtype, rt)
	}
	m, srv, lead, err := cache.join(ctx, key)
	switch {
	case err != nil:
		return wireReply{server: srv}, err
	case !lead:
		return wireReply{msg: m, server: srv, shared: true}, nil
	}
	rep, err := c.askWire(ctx, name, qtype, rt)
	abandoned := err != nil && (contextErr(ctx) != nil || errors.Is(err, ErrQueryBudget))
	if err != nil {
		cache.finish(key, nil, rep.server, err, abandoned)
	} else {
		cache.finish(key, rep.msg, rep.server, nil, false)
	}
	return rep, err
}

// askWire puts the question on the wire, as ask describes.
func (c *Client) askWire(ctx context.Context, name string, qtype uint16, rt route) (wireReply, error) {
	if err := c.pace(ctx); err != nil {
		return wireReply{}, err
	}
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
		if i > 0 {
			if err := c.pace(ctx); err != nil {
				return wireReply{server: lastSrv}, err
			}
		}
		if time.Until(overall) <= 0 {
			break
		}
		probe := false
		if rt.resolvers && c.cfg.Health != nil {
			var ok bool
			if ok, probe = c.cfg.Health.admit(); !ok {
				return wireReply{server: srv}, ErrResolverDown
			}
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
		if rt.resolvers && c.cfg.Health != nil {
			c.noteHealth(ctx, err, probe)
		}
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

// pace waits for the Limiter, if any, before a question goes on the wire.
func (c *Client) pace(ctx context.Context) error {
	if c.cfg.Limiter == nil {
		return nil
	}
	return c.cfg.Limiter.Wait(ctx)
}

// noteHealth tells the Health tracker how one exchange with a resolver
// ended: a reply (even a malformed one) is a sign of life; a timeout or a
// network error is a failure; a question its caller gave up on, or one the
// budget refused, says nothing.
func (c *Client) noteHealth(ctx context.Context, err error, probe bool) {
	h := c.cfg.Health
	switch {
	case err == nil || errors.Is(err, ErrBadReply):
		h.replied(probe)
	case contextErr(ctx) != nil || errors.Is(err, ErrQueryBudget):
		h.abandoned(probe)
	default:
		h.failed(probe)
	}
}

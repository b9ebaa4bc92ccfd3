package diag

// Outcome is a check's verdict word as mxray shows it: the RFCs' result
// words (RFC 7208 §2.6 for SPF, RFC 8601 §2.7 for DKIM and DMARC, which
// share them) and the two words of the ARC row, whose "now" is the
// chain's structure rather than a verdict (mxray does not re-verify seals).
// "" is no outcome: not recorded at delivery, or not checked today.
type Outcome string

// The outcomes.
const (
	OutcomePass      Outcome = "pass"      // RFC 7208 §2.6.3, RFC 8601 §2.7.1
	OutcomeFail      Outcome = "fail"      // RFC 7208 §2.6.4
	OutcomeSoftFail  Outcome = "softfail"  // RFC 7208 §2.6.5
	OutcomeNeutral   Outcome = "neutral"   // RFC 7208 §2.6.2
	OutcomeNone      Outcome = "none"      // RFC 7208 §2.6.1
	OutcomeTempError Outcome = "temperror" // RFC 7208 §2.6.6
	OutcomePermError Outcome = "permerror" // RFC 7208 §2.6.7
	OutcomePolicy    Outcome = "policy"    // RFC 8601 §2.7.1: DKIM by local policy

	OutcomeStructureOK     Outcome = "structure ok"     // an ARC chain that is structurally sound
	OutcomeStructureBroken Outcome = "structure broken" // an ARC chain that is not
)

// Tone is how a verdict reads at a glance: the views draw it as a symbol
// and a colour, beside the words, so meaning never rests on either alone.
type Tone int

// The tones.
const (
	ToneNone     Tone = iota // nothing to judge: not published, no result
	TonePass                 // passes, works, nothing wrong
	ToneWarn                 // works, with warnings; softfail
	ToneFail                 // fails or is broken
	ToneNeutral              // neutral: the domain says nothing either way
	ToneUnknown              // cannot tell: DNS trouble, cut short
	ToneNotFound             // looked for and not found, which does not say there is none
)

// Tone is how the outcome reads.
func (o Outcome) Tone() Tone {
	switch o {
	case OutcomePass, OutcomeStructureOK:
		return TonePass
	case OutcomeFail, OutcomePermError, OutcomeStructureBroken:
		return ToneFail
	case OutcomeSoftFail:
		return ToneWarn
	case OutcomeNeutral:
		return ToneNeutral
	case OutcomeTempError:
		return ToneUnknown
	}
	return ToneNone
}

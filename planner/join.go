package planner

// Join is the head of a join stream (VPL.md §4.6): each arriving event of
// a member is buffered under its member and key, then matched with the most
// recent buffered event of every other member with an equal key within
// Horizon; a match yields one joined event with the arriving event's ts,
// the arriving event's fields, and every member's alias bound to its event.
type Join struct {
	Members []JoinMember
	Horizon int64 // ns; .window(d) in a join stream, default 1m
}

// JoinMember is one member of a join: events named Name (an event type or
// a stream), their alias (the member name or its label) and their key
// expression from .on(...), evaluated on the member's own event (its alias
// reads that event's fields). Keys compare as == does, null being a key
// (§11.7); a key of several parts (.on(A.x == B.x and A.y == B.y)) is a
// MakeArray of the parts, in the order of .on.
type JoinMember struct {
	Name  string
	Alias string
	Key   Expr
}

// DefaultJoinHorizon is the horizon of a join without .window(d).
const DefaultJoinHorizon int64 = 60e9

func (*Join) opName() string { return "Join" }

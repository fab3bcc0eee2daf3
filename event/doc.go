// Package event is the event model of Varpulis.
//
// An event has a type name, an event time (ts, nanoseconds since the Unix
// epoch, UTC) and an ordered list of named fields. Field values are dynamic
// (see Value): VPL input is schema-less, so two events of one type may carry
// different fields or different kinds in the same field.
//
// Events travel through the engine as Batches: Arrow record batches holding
// consecutive events that share one shape (type, field names in order and
// the kind of every field). A batch has a "ts" column followed by one column
// per field. Readers build batches from .evt, JSON lines and CSV input;
// writers turn them into the JSON and text output forms.
package event

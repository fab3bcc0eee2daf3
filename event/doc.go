// Package event is the event model of Varpulis.
//
// An event has a type name, an event time (ts, nanoseconds since the Unix
// epoch, UTC) and an ordered list of named fields. Field values are dynamic
// (see Value): VPL input is schema-less, so two events of one type may carry
// different fields or different kinds in the same field.
//
// Events travel through the engine as Batches: Arrow record batches holding
// consecutive events that share one shape (type and field names in order).
// A batch has a "ts" column followed by one column per field, typed when
// every value of the field has one scalar kind and an "any" column of
// AppendBinary encodings otherwise. BatchBuilder makes batches; readers
// build them from .evt, JSON lines and CSV input (enforcing the resource
// limits of VPL.md §6.3); writers turn them into the JSON and text output
// forms of §7.2.
package event

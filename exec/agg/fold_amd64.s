//go:build !purego

#include "textflag.h"

// func addAvgCellsSSE2(cells []avgCell, x float64)
//
// Each 16-byte cell {f float64, n int64} is loaded once, ADDSD adds x to
// its low lane (f; the high lane is kept), PADDQ adds [0, 1] to the lanes
// as integers (f's bits plus 0, n plus 1), and the cell is stored once:
// half the loads and stores of the compiled loop, the same results bit for
// bit (ADDSD is the add Go compiles f += x to).
TEXT ·addAvgCellsSSE2(SB), NOSPLIT, $0-32
	MOVQ	cells_base+0(FP), DI
	MOVQ	cells_len+8(FP), CX
	MOVSD	x+24(FP), X0
	MOVQ	$1, AX
	MOVQ	AX, X1
	PSHUFD	$0x4e, X1, X1
	CMPQ	CX, $4
	JB	tail

loop4:
	MOVUPD	(DI), X2
	MOVUPD	16(DI), X3
	MOVUPD	32(DI), X4
	MOVUPD	48(DI), X5
	ADDSD	X0, X2
	ADDSD	X0, X3
	ADDSD	X0, X4
	ADDSD	X0, X5
	PADDQ	X1, X2
	PADDQ	X1, X3
	PADDQ	X1, X4
	PADDQ	X1, X5
	MOVUPD	X2, (DI)
	MOVUPD	X3, 16(DI)
	MOVUPD	X4, 32(DI)
	MOVUPD	X5, 48(DI)
	ADDQ	$64, DI
	SUBQ	$4, CX
	CMPQ	CX, $4
	JAE	loop4

tail:
	TESTQ	CX, CX
	JZ	done

loop1:
	MOVUPD	(DI), X2
	ADDSD	X0, X2
	PADDQ	X1, X2
	MOVUPD	X2, (DI)
	ADDQ	$16, DI
	DECQ	CX
	JNZ	loop1

done:
	RET

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

// func addAvgCellsAVX2(cells []avgCell, x float64)
//
// Two cells per 256-bit register: VADDPD adds [x, 0, x, 0] to the lanes
// as doubles (f plus x; n's bits plus +0.0, which leaves them unchanged:
// a count's bits read as a double are a subnormal or a normal number,
// never a NaN or -0, and adding +0.0 to those is exact with the default
// rounding and no flush to zero), VPADDQ adds [0, 1, 0, 1] as integers.
// The same results as the Go loop, bit for bit; a last odd cell goes
// through the SSE2 loop's steps.
TEXT ·addAvgCellsAVX2(SB), NOSPLIT, $0-32
	MOVQ	cells_base+0(FP), DI
	MOVQ	cells_len+8(FP), CX
	// X0 = [x, 0], Y0 = [x, 0, x, 0]
	VMOVSD	x+24(FP), X0
	VINSERTF128	$1, X0, Y0, Y0
	// X1 = [0, 1], Y1 = [0, 1, 0, 1]
	MOVQ	$1, AX
	VMOVQ	AX, X1
	VPSHUFD	$0x4e, X1, X1
	VINSERTI128	$1, X1, Y1, Y1
	CMPQ	CX, $8
	JB	pairs

loop8:
	VMOVUPD	(DI), Y2
	VMOVUPD	32(DI), Y3
	VMOVUPD	64(DI), Y4
	VMOVUPD	96(DI), Y5
	VADDPD	Y0, Y2, Y2
	VADDPD	Y0, Y3, Y3
	VADDPD	Y0, Y4, Y4
	VADDPD	Y0, Y5, Y5
	VPADDQ	Y1, Y2, Y2
	VPADDQ	Y1, Y3, Y3
	VPADDQ	Y1, Y4, Y4
	VPADDQ	Y1, Y5, Y5
	VMOVUPD	Y2, (DI)
	VMOVUPD	Y3, 32(DI)
	VMOVUPD	Y4, 64(DI)
	VMOVUPD	Y5, 96(DI)
	ADDQ	$128, DI
	SUBQ	$8, CX
	CMPQ	CX, $8
	JAE	loop8

pairs:
	CMPQ	CX, $2
	JB	last

loop2:
	VMOVUPD	(DI), Y2
	VADDPD	Y0, Y2, Y2
	VPADDQ	Y1, Y2, Y2
	VMOVUPD	Y2, (DI)
	ADDQ	$32, DI
	SUBQ	$2, CX
	CMPQ	CX, $2
	JAE	loop2

last:
	TESTQ	CX, CX
	JZ	avxdone
	VMOVUPD	(DI), X2
	VADDSD	X0, X2, X2
	VPADDQ	X1, X2, X2
	VMOVUPD	X2, (DI)

avxdone:
	VZEROUPPER
	RET

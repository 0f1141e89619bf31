#include "textflag.h"

// The base64 classifier: a byte c in [0x2b, 0x7f] is a base64 character
// (either alphabet, or '=') when b64lo[c&15] & b64hi[c>>4] == 0.
DATA b64lo<>+0(SB)/8, $0x0404040404040454
DATA b64lo<>+8(SB)/8, $0x88aca0aca80c0404
GLOBL b64lo<>(SB), RODATA|NOPTR, $16
DATA b64hi<>+0(SB)/8, $0x804020100804ffff
DATA b64hi<>+8(SB)/8, $0xffffffffffffffff
GLOBL b64hi<>(SB), RODATA|NOPTR, $16

// func blockEvents(p *byte, n int, tab *[16]byte) int
//
// n is a multiple of 32. Returns the offset of the first 32-byte block of
// p[:n] that holds a byte c < 0x80 with tab[c&15] == c (ORed with 1) or
// that holds only base64 characters (ORed with 2); n when no block does.
//
// The main loop takes 64 bytes a round and only asks whether a block may
// hold an event: a marker byte, or no byte below '+' (signed, so 0x80 and
// up count as below). Such a round is redone by blocks of 32, which
// classify the bytes of a block with no byte below '+' exactly.
TEXT ·blockEvents(SB), NOSPLIT, $0-32
	MOVQ           p+0(FP), SI
	MOVQ           n+8(FP), CX
	MOVQ           tab+16(FP), AX
	VBROADCASTI128 (AX), Y1
	MOVQ           $0x2b2b2b2b, AX
	MOVQ           AX, X2
	VPBROADCASTD   X2, Y2
	MOVQ           $0x0f0f0f0f, AX
	MOVQ           AX, X9
	VPBROADCASTD   X9, Y9
	VBROADCASTI128 b64lo<>(SB), Y10
	VBROADCASTI128 b64hi<>(SB), Y11
	XORQ           DX, DX
	MOVQ           CX, R8
	SUBQ           $64, R8
	CMPQ           DX, R8
	JGT            loop32

loop64:
	VMOVDQU  (SI)(DX*1), Y3
	VMOVDQU  32(SI)(DX*1), Y4
	VPSHUFB  Y3, Y1, Y5
	VPSHUFB  Y4, Y1, Y6
	VPCMPEQB Y3, Y5, Y5
	VPCMPEQB Y4, Y6, Y6
	VPOR     Y5, Y6, Y5
	VPTEST   Y5, Y5
	JNZ      loop32
	VPCMPGTB Y3, Y2, Y5
	VPTEST   Y5, Y5
	JZ       loop32
	VPCMPGTB Y4, Y2, Y6
	VPTEST   Y6, Y6
	JZ       loop32
	ADDQ     $64, DX
	CMPQ     DX, R8
	JLE      loop64

loop32:
	CMPQ      DX, CX
	JGE       none
	VMOVDQU   (SI)(DX*1), Y3
	VPSHUFB   Y3, Y1, Y5
	VPCMPEQB  Y3, Y5, Y5
	VPCMPGTB  Y3, Y2, Y6
	VPMOVMSKB Y5, AX
	VPMOVMSKB Y6, BX
	XORQ      R9, R9
	TESTL     AX, AX
	JZ        nomark
	ORQ       $1, R9

nomark:
	TESTL BX, BX
	JNZ   nodense

	// No byte below '+': is every byte a base64 character?
	VPSRLW  $4, Y3, Y7
	VPAND   Y9, Y7, Y7
	VPSHUFB Y7, Y11, Y7
	VPAND   Y9, Y3, Y8
	VPSHUFB Y8, Y10, Y8
	VPTEST  Y7, Y8
	JNZ     nodense
	ORQ     $2, R9

nodense:
	TESTQ R9, R9
	JNZ   found
	ADDQ  $32, DX
	CMPQ  DX, R8
	JLE   loop64
	JMP   loop32

found:
	ORQ        R9, DX
	MOVQ       DX, ret+24(FP)
	VZEROUPPER
	RET

none:
	MOVQ       CX, ret+24(FP)
	VZEROUPPER
	RET

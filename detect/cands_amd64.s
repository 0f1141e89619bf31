#include "textflag.h"
#include "go_asm.h"

// func candChunks(p *byte, n, stop int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)
//
// The candidate scan (cands.go) with AVX2 (and BMI1, BMI2, LZCNT) of the
// 64-byte chunks of p at 0, 64, ... below stop, up to the chunk that holds
// n: the bytes from p[n] on read as zero (as in chunkMasks). A chunk that
// holds n is loaded whole all the same and the bytes past n cleared with
// t.keep (the caller makes sure those bytes may be read: see
// candScan.fill); the chunk at n, when n is a multiple of 64, is not
// loaded. It writes the chunks with candidates or base64 ends to ev until
// ev is full (candBatch, 4) and returns where it stopped (past n when it
// is done) and how many it wrote; st is carried along. Go's
// candState.step is the reference of the scalar part, chunkMasks of the
// vector part, candChunksGo of the whole.
//
// Each 32-byte half is classified with nibble tables: its class (cls: one
// bit a byte, see classOrder) and the pair buckets of each byte with the
// next, the 16 buckets merged into 8 (t.ymm[0:4]: bucket k and k+8 in bit
// k, a superset of the pairs of the 16, so that one table pair does);
// the word starts it gives are filtered by bucketPairs (the 16 buckets'
// pairs: the other paths' candidates), and "JQ" is compared. The masks
// come out of VPMOVMSKB, the high half's first (shifted up), the low
// half's ORed in (no store-to-load forwarding stall): 0 ^pairs, 8 "JQ",
// 16 the base64 characters (cls > 0), 24 cls > clsSign-1 (the signs;
// alphanumeric is base64 and not that).
//
// The upper-case and lower-case letters matter only in a run of 27 base64
// characters or more: a chunk with no such run (most) does not compute
// them. The run it ends in may go on into a long run: its length is kept
// (80, pending) and its letters looked at only when that happens, or
// before returning, from the chunk's bytes (the chunk before is in p:
// nothing is pending at the first chunk).
//
// The decoders' sweep (sweep.go), where st.swPos is not 0 (48, the bit of
// the chunk's first block; 56 and 64 the blocks with markers and of
// base64 so far, st's; 128 the marker table): a half with a marker or of
// base64 characters and '=' only (rare) sets a bit of 72, which the
// scalar part adds to st's blocks.
//
// Other locals: 32 cand, 40 the events written, 88 and 96 spills. The
// class thresholds, '=', 'J' and 'Q' are read from t.ymm (no register is
// left for them), t kept in R15 (no global is accessed here); stop in
// R14.
TEXT ·candChunks(SB), NOSPLIT, $160-64
	MOVQ           p+0(FP), SI
	MOVQ           n+8(FP), CX
	MOVQ           stop+16(FP), R14
	MOVQ           t+24(FP), R15
	VBROADCASTI128 0(R15), Y14
	VBROADCASTI128 16(R15), Y13
	VMOVDQU        (candTabs_ymm+0)(R15), Y12
	VMOVDQU        (candTabs_ymm+32)(R15), Y11
	VMOVDQU        (candTabs_ymm+64)(R15), Y10
	VMOVDQU        (candTabs_ymm+96)(R15), Y9
	MOVL           $0x0f0f0f0f, AX
	MOVQ           AX, X15
	VPBROADCASTD   X15, Y15
	VPXOR          Y8, Y8, Y8
	MOVQ           st+32(FP), AX
	MOVQ           0(AX), R8
	MOVQ           8(AX), R9
	MOVQ           16(AX), R10
	MOVQ           24(AX), R11
	MOVQ           56(AX), BX
	MOVQ           BX, 56(SP)
	MOVQ           64(AX), BX
	MOVQ           BX, 64(SP)
	MOVQ           48(AX), BX
	MOVQ           BX, 48(SP)
	MOVQ           $0, 72(SP)
	MOVQ           $0, 80(SP)
	MOVQ           $0, 40(SP)
	TESTQ          BX, BX
	JZ             nosweep
	VMOVQ          32(AX), X0
	VPINSRQ        $1, 40(AX), X0, X0
	VINSERTI128    $1, X0, Y0, Y0
	VMOVDQU        Y0, 128(SP)

nosweep:
	XORQ DX, DX

loop:
	CMPQ DX, R14
	JGE  none
	MOVQ CX, AX
	SUBQ DX, AX
	JL   none
	CMPQ AX, $65
	JLT  last
	CMPQ 48(SP), $0
	JNE  whole_s
	VMOVDQU 32(SI)(DX*1), Y0
	VMOVDQU 33(SI)(DX*1), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y0, Y14, Y4
	VPSHUFB   Y2, Y13, Y5
	VPAND     Y5, Y4, Y4
	VPSHUFB   Y0, Y12, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y6, Y5, Y5
	VPSHUFB   Y1, Y10, Y6
	VPSHUFB   Y3, Y9, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPCMPEQB  Y8, Y5, Y5
	VPMOVMSKB Y5, AX
	SHLQ      $32, AX
	MOVQ      AX, 0(SP)
	VPCMPEQB  (candTabs_ymm+256)(R15), Y0, Y6
	VPCMPEQB  (candTabs_ymm+288)(R15), Y1, Y7
	VPAND     Y7, Y6, Y6
	VPMOVMSKB Y6, AX
	SHLQ      $32, AX
	MOVQ      AX, 8(SP)
	VPCMPGTB  Y8, Y4, Y7
	VPMOVMSKB Y7, AX
	SHLQ      $32, AX
	MOVQ      AX, 16(SP)
	VPCMPGTB  (candTabs_ymm+192)(R15), Y4, Y5
	VPMOVMSKB Y5, AX
	SHLQ      $32, AX
	MOVQ      AX, 24(SP)
	VMOVDQU 0(SI)(DX*1), Y0
	VMOVDQU 1(SI)(DX*1), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y0, Y14, Y4
	VPSHUFB   Y2, Y13, Y5
	VPAND     Y5, Y4, Y4
	VPSHUFB   Y0, Y12, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y6, Y5, Y5
	VPSHUFB   Y1, Y10, Y6
	VPSHUFB   Y3, Y9, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPCMPEQB  Y8, Y5, Y5
	VPMOVMSKB Y5, AX
	ORQ       AX, 0(SP)
	VPCMPEQB  (candTabs_ymm+256)(R15), Y0, Y6
	VPCMPEQB  (candTabs_ymm+288)(R15), Y1, Y7
	VPAND     Y7, Y6, Y6
	VPMOVMSKB Y6, AX
	ORQ       AX, 8(SP)
	VPCMPGTB  Y8, Y4, Y7
	VPMOVMSKB Y7, AX
	ORQ       AX, 16(SP)
	VPCMPGTB  (candTabs_ymm+192)(R15), Y4, Y5
	VPMOVMSKB Y5, AX
	ORQ       AX, 24(SP)
	JMP     scalar

whole_s:
	VMOVDQU 32(SI)(DX*1), Y0
	VMOVDQU 33(SI)(DX*1), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y0, Y14, Y4
	VPSHUFB   Y2, Y13, Y5
	VPAND     Y5, Y4, Y4
	VPSHUFB   Y0, Y12, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y6, Y5, Y5
	VPSHUFB   Y1, Y10, Y6
	VPSHUFB   Y3, Y9, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPCMPEQB  Y8, Y5, Y5
	VPMOVMSKB Y5, AX
	SHLQ      $32, AX
	MOVQ      AX, 0(SP)
	VPCMPEQB  (candTabs_ymm+256)(R15), Y0, Y6
	VPCMPEQB  (candTabs_ymm+288)(R15), Y1, Y7
	VPAND     Y7, Y6, Y6
	VPMOVMSKB Y6, AX
	SHLQ      $32, AX
	MOVQ      AX, 8(SP)
	VPCMPGTB  Y8, Y4, Y7
	VPMOVMSKB Y7, AX
	SHLQ      $32, AX
	MOVQ      AX, 16(SP)
	VPCMPGTB  (candTabs_ymm+192)(R15), Y4, Y5
	VPMOVMSKB Y5, AX
	SHLQ      $32, AX
	MOVQ      AX, 24(SP)
	VMOVDQU   128(SP), Y5
	VPSHUFB   Y0, Y5, Y5
	VPCMPEQB  Y0, Y5, Y5
	VPTEST    Y5, Y5
	JNE       hi0_sm
hi0_smb:
	VPCMPEQB  (candTabs_ymm+224)(R15), Y0, Y6
	VPOR      Y7, Y6, Y6
	VPTEST    candTabs_keep(R15), Y6
	JCS       hi0_sd
hi0_sdb:
	VMOVDQU 0(SI)(DX*1), Y0
	VMOVDQU 1(SI)(DX*1), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y0, Y14, Y4
	VPSHUFB   Y2, Y13, Y5
	VPAND     Y5, Y4, Y4
	VPSHUFB   Y0, Y12, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y6, Y5, Y5
	VPSHUFB   Y1, Y10, Y6
	VPSHUFB   Y3, Y9, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPCMPEQB  Y8, Y5, Y5
	VPMOVMSKB Y5, AX
	ORQ       AX, 0(SP)
	VPCMPEQB  (candTabs_ymm+256)(R15), Y0, Y6
	VPCMPEQB  (candTabs_ymm+288)(R15), Y1, Y7
	VPAND     Y7, Y6, Y6
	VPMOVMSKB Y6, AX
	ORQ       AX, 8(SP)
	VPCMPGTB  Y8, Y4, Y7
	VPMOVMSKB Y7, AX
	ORQ       AX, 16(SP)
	VPCMPGTB  (candTabs_ymm+192)(R15), Y4, Y5
	VPMOVMSKB Y5, AX
	ORQ       AX, 24(SP)
	VMOVDQU   128(SP), Y5
	VPSHUFB   Y0, Y5, Y5
	VPCMPEQB  Y0, Y5, Y5
	VPTEST    Y5, Y5
	JNE       lo0_sm
lo0_smb:
	VPCMPEQB  (candTabs_ymm+224)(R15), Y0, Y6
	VPOR      Y7, Y6, Y6
	VPTEST    candTabs_keep(R15), Y6
	JCS       lo0_sd
lo0_sdb:
	JMP     scalar

last:
	// The chunk that holds n: AX = n-DX bytes of it are text (0 to 64),
	// the rest cleared with keep[64-AX:] (AX bytes of 0xff, then 0).
	TESTQ AX, AX
	JZ    empty
	LEAQ  (candTabs_keep+64)(R15), BX
	SUBQ  AX, BX
	CMPQ  AX, $32
	JLE   lowonly
	VMOVDQU 32(SI)(DX*1), Y0
	VPAND   32(BX), Y0, Y0
	VMOVDQU 33(SI)(DX*1), Y1
	VPAND   33(BX), Y1, Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y0, Y14, Y4
	VPSHUFB   Y2, Y13, Y5
	VPAND     Y5, Y4, Y4
	VPSHUFB   Y0, Y12, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y6, Y5, Y5
	VPSHUFB   Y1, Y10, Y6
	VPSHUFB   Y3, Y9, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPCMPEQB  Y8, Y5, Y5
	VPMOVMSKB Y5, AX
	SHLQ      $32, AX
	MOVQ      AX, 0(SP)
	VPCMPEQB  (candTabs_ymm+256)(R15), Y0, Y6
	VPCMPEQB  (candTabs_ymm+288)(R15), Y1, Y7
	VPAND     Y7, Y6, Y6
	VPMOVMSKB Y6, AX
	SHLQ      $32, AX
	MOVQ      AX, 8(SP)
	VPCMPGTB  Y8, Y4, Y7
	VPMOVMSKB Y7, AX
	SHLQ      $32, AX
	MOVQ      AX, 16(SP)
	VPCMPGTB  (candTabs_ymm+192)(R15), Y4, Y5
	VPMOVMSKB Y5, AX
	SHLQ      $32, AX
	MOVQ      AX, 24(SP)
	VMOVDQU   128(SP), Y5
	VPSHUFB   Y0, Y5, Y5
	VPCMPEQB  Y0, Y5, Y5
	VPTEST    Y5, Y5
	JNE       hi1m
hi1mb:
	VPCMPEQB  (candTabs_ymm+224)(R15), Y0, Y6
	VPOR      Y7, Y6, Y6
	VPTEST    candTabs_keep(R15), Y6
	JCS       hi1d
hi1db:
	JMP     low1

lowonly:
	// The high half is past n: zeros (no pair, no class, no marker).
	MOVQ    $0xffffffff00000000, AX
	MOVQ    AX, 0(SP)
	MOVQ    $0, 8(SP)
	MOVQ    $0, 16(SP)
	MOVQ    $0, 24(SP)

low1:
	VMOVDQU 0(SI)(DX*1), Y0
	VPAND   0(BX), Y0, Y0
	VMOVDQU 1(SI)(DX*1), Y1
	VPAND   1(BX), Y1, Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y0, Y14, Y4
	VPSHUFB   Y2, Y13, Y5
	VPAND     Y5, Y4, Y4
	VPSHUFB   Y0, Y12, Y5
	VPSHUFB   Y2, Y11, Y6
	VPAND     Y6, Y5, Y5
	VPSHUFB   Y1, Y10, Y6
	VPSHUFB   Y3, Y9, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPCMPEQB  Y8, Y5, Y5
	VPMOVMSKB Y5, AX
	ORQ       AX, 0(SP)
	VPCMPEQB  (candTabs_ymm+256)(R15), Y0, Y6
	VPCMPEQB  (candTabs_ymm+288)(R15), Y1, Y7
	VPAND     Y7, Y6, Y6
	VPMOVMSKB Y6, AX
	ORQ       AX, 8(SP)
	VPCMPGTB  Y8, Y4, Y7
	VPMOVMSKB Y7, AX
	ORQ       AX, 16(SP)
	VPCMPGTB  (candTabs_ymm+192)(R15), Y4, Y5
	VPMOVMSKB Y5, AX
	ORQ       AX, 24(SP)
	VMOVDQU   128(SP), Y5
	VPSHUFB   Y0, Y5, Y5
	VPCMPEQB  Y0, Y5, Y5
	VPTEST    Y5, Y5
	JNE       lo1m
lo1mb:
	VPCMPEQB  (candTabs_ymm+224)(R15), Y0, Y6
	VPOR      Y7, Y6, Y6
	VPTEST    candTabs_keep(R15), Y6
	JCS       lo1d
lo1db:
	JMP     scalar

empty:
	// The chunk at n: all zeros.
	MOVQ    $-1, 0(SP)
	MOVQ    $0, 8(SP)
	MOVQ    $0, 16(SP)
	MOVQ    $0, 24(SP)

scalar:
	// cand = pairs &^ (alnum<<1 | aprev) | cask (BX), alnum = b64 &^
	// (cls > clsSign-1)
	MOVQ  16(SP), R12
	MOVQ  24(SP), R13
	ANDNQ R12, R13, AX
	LEAQ  (AX)(AX*1), BX
	ORQ   R8, BX
	ORQ   0(SP), BX
	NOTQ  BX
	SHRQ  $63, AX
	MOVQ  AX, R8
	TESTQ BX, BX
	JNZ   filter

filtered:
	MOVQ  8(SP), AX
	ANDQ  candTabs_caskMask(R15), AX
	ORQ   AX, BX

	// p27 (DI): the starts of 27 base64 characters in a row. Rotations
	// leave garbage in the top 26 bits (windows that wrap), cleared at
	// the end.
	RORXQ $1, R12, AX
	ANDQ  R12, AX
	RORXQ $2, AX, DI
	ANDQ  AX, DI
	RORXQ $4, DI, R13
	ANDQ  DI, R13
	RORXQ $8, R13, DI
	ANDQ  R13, DI
	MOVQ  DI, AX
	SHLQ  $26, AX
	JZ    nop27
	RORXQ $1, R12, AX
	ANDQ  R12, AX
	RORXQ $16, R13, R13
	ANDQ  R13, DI
	RORXQ $24, AX, AX
	ANDQ  AX, DI
	RORXQ $26, R12, AX
	ANDQ  AX, DI
	SHLQ  $26, DI
	SHRQ  $26, DI
	JMP   runs

nop27:
	XORL DI, DI

runs:

	// The run the chunk begins with (R13: with the one before it). A
	// chunk with no run of 27 (none starts in it, the one it begins with
	// is shorter) has no end; the run it ends in (R9) is pending.
	MOVQ   R12, AX
	NOTQ   AX
	TZCNTQ AX, R13
	ADDQ   R9, R13
	CMPQ   R13, $27
	JAE    long
	TESTQ  DI, DI
	JNZ    long
	LZCNTQ AX, R9
	MOVQ   R9, 80(SP)
	XORL   R10, R10
	XORL   R11, R11
	XORL   DI, DI
	JMP    ended

long:
	// m = b64 (R12); the upper-case and lower-case flags carried through
	// its runs (R10, R11), from the run pending, if any, on.
	MOVQ  BX, 32(SP)
	MOVQ  DI, 88(SP)
	MOVQ  R13, 96(SP)
	MOVQ  80(SP), R13
	TESTQ R13, R13
	JZ    cur
	LEAQ      -64(SI)(DX*1), DI
	VMOVDQU   0(DI), Y0
	VMOVDQU   32(DI), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSHUFB   Y0, Y14, Y0
	VPSHUFB   Y2, Y13, Y2
	VPAND     Y2, Y0, Y0
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y1, Y14, Y1
	VPSHUFB   Y3, Y13, Y3
	VPAND     Y3, Y1, Y1
	VPCMPGTB  (candTabs_ymm+160)(R15), Y0, Y4
	VPCMPGTB  (candTabs_ymm+128)(R15), Y0, Y5
	VPANDN    Y5, Y4, Y5
	VPCMPGTB  (candTabs_ymm+192)(R15), Y0, Y0
	VPANDN    Y4, Y0, Y4
	VPCMPGTB  (candTabs_ymm+160)(R15), Y1, Y6
	VPCMPGTB  (candTabs_ymm+128)(R15), Y1, Y7
	VPANDN    Y7, Y6, Y7
	VPCMPGTB  (candTabs_ymm+192)(R15), Y1, Y1
	VPANDN    Y6, Y1, Y6
	VPMOVMSKB Y7, AX
	SHLQ      $32, AX
	VPMOVMSKB Y5, DI
	ORQ       DI, AX
	VPMOVMSKB Y6, BX
	SHLQ      $32, BX
	VPMOVMSKB Y4, DI
	ORQ       DI, BX
	MOVQ      $64, DI
	SUBQ      R13, DI
	SHRXQ     DI, AX, AX
	SHRXQ     DI, BX, BX
	TESTQ     AX, AX
	SETNE     R10B
	TESTQ     BX, BX
	SETNE     R11B
	MOVQ      $0, 80(SP)

cur:
	XORL  AX, AX
	XORL  BX, BX
	CMPQ  DX, CX
	JGE   curdone
	LEAQ  (SI)(DX*1), DI
	VMOVDQU   0(DI), Y0
	VMOVDQU   32(DI), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSHUFB   Y0, Y14, Y0
	VPSHUFB   Y2, Y13, Y2
	VPAND     Y2, Y0, Y0
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y1, Y14, Y1
	VPSHUFB   Y3, Y13, Y3
	VPAND     Y3, Y1, Y1
	VPCMPGTB  (candTabs_ymm+160)(R15), Y0, Y4
	VPCMPGTB  (candTabs_ymm+128)(R15), Y0, Y5
	VPANDN    Y5, Y4, Y5
	VPCMPGTB  (candTabs_ymm+192)(R15), Y0, Y0
	VPANDN    Y4, Y0, Y4
	VPCMPGTB  (candTabs_ymm+160)(R15), Y1, Y6
	VPCMPGTB  (candTabs_ymm+128)(R15), Y1, Y7
	VPANDN    Y7, Y6, Y7
	VPCMPGTB  (candTabs_ymm+192)(R15), Y1, Y1
	VPANDN    Y6, Y1, Y6
	VPMOVMSKB Y7, AX
	SHLQ      $32, AX
	VPMOVMSKB Y5, DI
	ORQ       DI, AX
	VPMOVMSKB Y6, BX
	SHLQ      $32, BX
	VPMOVMSKB Y4, DI
	ORQ       DI, BX
	ANDQ  R12, AX
	ANDQ  R12, BX

curdone:
	BTQ     $0, R10
	ADCQ    R12, AX
	SETCS   R10B
	BTQ     $0, R11
	ADCQ    R12, BX
	SETCS   R11B
	ANDQ    AX, BX

	// The run the chunk ends in (R9; all of it: the one before too), and
	// ends = mixed & (m + p27 + c27) &^ m.
	MOVQ    96(SP), R13
	MOVQ    R12, AX
	NOTQ    AX
	LZCNTQ  AX, R9
	TESTQ   AX, AX
	CMOVQEQ R13, R9
	MOVQ    88(SP), DI
	CMPQ    R13, $27
	CMC
	ADCQ    R12, DI
	ANDQ    BX, DI
	ANDQ    AX, DI
	MOVQ    32(SP), BX

ended:
	// The decoders' sweep: the bits of the chunk's two blocks.
	MOVQ  48(SP), R13
	TESTQ R13, R13
	JZ    swept
	MOVQ  72(SP), AX
	TESTQ AX, AX
	JNZ   swflags

swshift:
	SHLQ  $2, 48(SP)

swept:
	MOVQ BX, AX
	ORQ  DI, AX
	JNZ  found
	ADDQ $64, DX
	JMP  loop

swflags:
	ANDL  $3, AX
	IMULQ R13, AX
	ORQ   AX, 56(SP)
	MOVQ  72(SP), AX
	SHRL  $2, AX
	IMULQ R13, AX
	ORQ   AX, 64(SP)
	MOVQ  $0, 72(SP)
	JMP   swshift

found:
	// ev[count] = {DX, cand, ends, m}; stop when ev is full.
	MOVQ ev+40(FP), AX
	MOVQ 40(SP), R13
	SHLQ $5, R13
	MOVQ DX, 0(AX)(R13*1)
	MOVQ BX, 8(AX)(R13*1)
	MOVQ DI, 16(AX)(R13*1)
	MOVQ R12, 24(AX)(R13*1)
	SHRQ $5, R13
	INCQ R13
	MOVQ R13, 40(SP)
	ADDQ $64, DX
	CMPQ R13, $4
	JLT  loop

none:
	// Whether the run pending holds each case.
	MOVQ  80(SP), R13
	TESTQ R13, R13
	JZ    resolved
	LEAQ      -64(SI)(DX*1), DI
	VMOVDQU   0(DI), Y0
	VMOVDQU   32(DI), Y1
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPSHUFB   Y0, Y14, Y0
	VPSHUFB   Y2, Y13, Y2
	VPAND     Y2, Y0, Y0
	VPSRLW    $4, Y1, Y3
	VPAND     Y15, Y3, Y3
	VPSHUFB   Y1, Y14, Y1
	VPSHUFB   Y3, Y13, Y3
	VPAND     Y3, Y1, Y1
	VPCMPGTB  (candTabs_ymm+160)(R15), Y0, Y4
	VPCMPGTB  (candTabs_ymm+128)(R15), Y0, Y5
	VPANDN    Y5, Y4, Y5
	VPCMPGTB  (candTabs_ymm+192)(R15), Y0, Y0
	VPANDN    Y4, Y0, Y4
	VPCMPGTB  (candTabs_ymm+160)(R15), Y1, Y6
	VPCMPGTB  (candTabs_ymm+128)(R15), Y1, Y7
	VPANDN    Y7, Y6, Y7
	VPCMPGTB  (candTabs_ymm+192)(R15), Y1, Y1
	VPANDN    Y6, Y1, Y6
	VPMOVMSKB Y7, AX
	SHLQ      $32, AX
	VPMOVMSKB Y5, DI
	ORQ       DI, AX
	VPMOVMSKB Y6, BX
	SHLQ      $32, BX
	VPMOVMSKB Y4, DI
	ORQ       DI, BX
	MOVQ      $64, DI
	SUBQ      R13, DI
	SHRXQ     DI, AX, AX
	SHRXQ     DI, BX, BX
	TESTQ     AX, AX
	SETNE     R10B
	TESTQ     BX, BX
	SETNE     R11B
	MOVQ      $0, 80(SP)

resolved:
	MOVQ DX, off+48(FP)
	MOVQ 40(SP), DI
	MOVQ DI, count+56(FP)
	MOVQ       st+32(FP), AX
	MOVQ       R8, 0(AX)
	MOVQ       R9, 8(AX)
	MOVQ       R10, 16(AX)
	MOVQ       R11, 24(AX)
	MOVQ       48(SP), BX
	MOVQ       BX, 48(AX)
	MOVQ       56(SP), BX
	MOVQ       BX, 56(AX)
	MOVQ       64(SP), BX
	MOVQ       BX, 64(AX)
	VZEROUPPER
	RET

filter:
	// BX: the word starts whose byte and the next share one of the 8
	// merged buckets; keep those that share one of the 16 (bucketPairs),
	// the candidates of the other paths. R12 (m) is in its slot.
	MOVQ    BX, DI
	XORL    BX, BX

floop:
	TZCNTQ  DI, R13
	LEAQ    (DX)(R13*1), AX
	MOVBLZX (SI)(AX*1), R12
	INCQ    AX
	CMPQ    AX, CX
	JGE     fzero
	MOVBLZX (SI)(AX*1), AX
	SHLL    $8, AX
	ORL     R12, AX
	JMP     flook

fzero:
	MOVL    R12, AX

flook:
	MOVL    AX, R12
	SHRL    $6, R12
	MOVQ    candTabs_bucketPairs(R15)(R12*8), R12
	BTQ     AX, R12
	JCC     fnext
	BTSQ    R13, BX

fnext:
	BLSRQ   DI, DI
	JNZ     floop
	MOVQ    16(SP), R12
	JMP     filtered

	// Rare: a half with a marker, a half of base64 only.
hi0_sm:
	ORQ  $2, 72(SP)
	JMP  hi0_smb
hi0_sd:
	ORQ  $8, 72(SP)
	JMP  hi0_sdb
lo0_sm:
	ORQ  $1, 72(SP)
	JMP  lo0_smb
lo0_sd:
	ORQ  $4, 72(SP)
	JMP  lo0_sdb
hi1m:
	ORQ  $2, 72(SP)
	JMP  hi1mb
hi1d:
	ORQ  $8, 72(SP)
	JMP  hi1db
lo1m:
	ORQ  $1, 72(SP)
	JMP  lo1mb
lo1d:
	ORQ  $4, 72(SP)
	JMP  lo1db

// func candChunks512(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)
//
// candChunks with AVX-512 (BW, VBMI) over all of p[:n], any n: a chunk is
// one register, its bytes below 0x80 are looked up in the 128-byte tables
// (the products of the nibble tables) with VPERMI2B, and the masks come
// out of VPTESTMB. The last chunks are loaded with masks (the bytes past n
// read as zero, as in chunkMasks), up to the chunk that holds n (where a
// run at the end ends); off is then past n. The scalar part is
// candChunks'. Locals: 0 where the whole chunks end, 8 the bit of the
// chunk's first block in the decoders' sweep (0: no sweep), 16 the chunk's
// markers, 24 its '=', 32 and 40 the blocks with markers and of base64 so
// far (st's), 56 the events written.
TEXT ·candChunks512(SB), NOSPLIT, $64-56
	MOVQ         p+0(FP), SI
	MOVQ         n+8(FP), CX
	MOVQ         t+16(FP), AX
	VMOVDQU64    160(AX), Z16
	VMOVDQU64    224(AX), Z17
	VMOVDQU64    288(AX), Z18
	VMOVDQU64    352(AX), Z19
	VMOVDQU64    416(AX), Z20
	VMOVDQU64    480(AX), Z21
	VMOVDQU64    544(AX), Z22
	VMOVDQU64    608(AX), Z23
	VMOVDQU64    672(AX), Z24
	VMOVDQU64    736(AX), Z25
	MOVL         $0x80, AX
	VPBROADCASTB AX, Z31
	MOVL         $0x1f, AX
	VPBROADCASTB AX, Z30
	MOVL         $0x06, AX
	VPBROADCASTB AX, Z29
	MOVL         $0x18, AX
	VPBROADCASTB AX, Z28
	MOVQ         st+24(FP), AX
	MOVQ         0(AX), R8
	MOVQ         8(AX), R9
	MOVQ         16(AX), R10
	MOVQ         24(AX), R11
	MOVQ         56(AX), BX
	MOVQ         BX, 32(SP)
	MOVQ         64(AX), BX
	MOVQ         BX, 40(SP)
	MOVQ         48(AX), BX
	MOVQ         BX, 8(SP)
	TESTQ        BX, BX
	JZ           nosweep512
	VPXOR        X8, X8, X8
	VMOVQ        32(AX), X5
	VPINSRQ      $1, 40(AX), X5, X5
	VSHUFI64X2   $0, Z5, Z5, Z5
	MOVL         $0x3d, BX
	VPBROADCASTB BX, Z6

nosweep512:
	XORQ DX, DX
	MOVQ $0, 56(SP)
	LEAQ -65(CX), AX
	MOVQ AX, 0(SP)

loop512:
	// Whole chunks while 65 bytes are left (the chunk and the next byte).
	CMPQ DX, 0(SP)
	JLE  full512
	CMPQ DX, CX
	JGT  none512
	MOVQ CX, AX
	SUBQ DX, AX

	// The last chunks: masked loads of the AX bytes left (and AX-1 from
	// the next byte on), the rest zero.
	MOVQ  CX, R12
	MOVQ  AX, CX
	MOVQ  $-1, BX
	CMPQ  CX, $64
	JGE   mask0512
	MOVQ  $1, BX
	SHLQ  CX, BX
	DECQ  BX

mask0512:
	KMOVQ BX, K3
	XORQ  BX, BX
	TESTQ CX, CX
	JZ    mask1512
	DECQ  CX
	MOVQ  $1, BX
	SHLQ  CX, BX
	DECQ  BX

mask1512:
	KMOVQ      BX, K4
	MOVQ       R12, CX
	VMOVDQU8.Z (SI)(DX*1), K3, Z0
	VMOVDQU8.Z 1(SI)(DX*1), K4, Z1
	JMP        loaded512

full512:
	VMOVDQU8 (SI)(DX*1), Z0
	VMOVDQU8 1(SI)(DX*1), Z1

loaded512:
	CMPQ     8(SP), $0
	JEQ      nomarks512
	VPSHUFB  Z0, Z5, Z7
	VPCMPEQB Z0, Z7, K1
	KMOVQ    K1, AX
	MOVQ     AX, 16(SP)
	VPCMPEQB Z6, Z0, K1
	KMOVQ    K1, AX
	MOVQ     AX, 24(SP)

nomarks512:
	VPTESTNMB Z31, Z0, K1
	VPTESTNMB Z31, Z1, K2
	KANDQ     K1, K2, K2
	VMOVDQU64 Z0, Z2
	VPERMI2B  Z17, Z16, Z2
	VMOVDQU64 Z0, Z3
	VPERMI2B  Z23, Z22, Z3
	VPERMI2B  Z19, Z18, Z0
	VMOVDQU64 Z1, Z4
	VPERMI2B  Z25, Z24, Z4
	VPERMI2B  Z21, Z20, Z1
	VPANDQ    Z1, Z0, Z0
	VPANDQ    Z4, Z3, Z3
	VPTESTMB  Z31, Z3, K2, K5
	VPORQ     Z3, Z0, Z0
	VPTESTMB  Z0, Z0, K2, K3
	VPTESTMB  Z30, Z2, K1, K4
	VPTESTMB  Z2, Z2, K1, K6
	VPTESTMB  Z29, Z2, K1, K7
	VPTESTMB  Z28, Z2, K1, K2

	// cand = pairs &^ (alnum<<1 | aprev) | cask, kept in R15 (no global
	// is accessed here: R15 is free).
	KMOVQ K4, AX
	LEAQ  (AX)(AX*1), DI
	ORQ   R8, DI
	SHRQ  $63, AX
	MOVQ  AX, R8
	KMOVQ K3, R15
	ANDNQ R15, DI, R15
	KMOVQ K5, AX
	ORQ   AX, R15

	// m: the base64 characters; the upper-case and lower-case flags
	// carried through its runs.
	KMOVQ   K6, R12
	KMOVQ   K7, R13
	BTQ     $0, R10
	ADCQ    R12, R13
	SETCS   R10B
	MOVBQZX R10B, R10
	KMOVQ   K2, DI
	BTQ     $0, R11
	ADCQ    R12, DI
	SETCS   R11B
	MOVBQZX R11B, R11
	ANDQ    DI, R13

	// p27: the starts of 27 base64 characters in a row. Rotations leave
	// garbage in the top 26 bits (windows that wrap), cleared at the end.
	RORXQ $1, R12, AX
	ANDQ  R12, AX
	RORXQ $2, AX, DI
	ANDQ  AX, DI
	RORXQ $4, DI, BX
	ANDQ  DI, BX
	RORXQ $8, BX, DI
	ANDQ  BX, DI
	RORXQ $16, BX, BX
	ANDQ  BX, DI
	RORXQ $24, AX, AX
	ANDQ  AX, DI
	RORXQ $26, R12, AX
	ANDQ  AX, DI
	SHLQ  $26, DI
	SHRQ  $26, DI

	// The run the chunk begins with, and the one it ends in.
	MOVQ  R12, AX
	NOTQ  AX
	TESTQ AX, AX
	JZ    allones512
	BSFQ  AX, BX
	BSRQ  AX, AX
	ADDQ  R9, BX
	MOVQ  $63, R9
	SUBQ  AX, R9
	JMP   runs512

allones512:
	MOVQ R9, BX
	ADDQ $64, BX
	ADDQ $64, R9

runs512:
	CMPQ BX, $27
	CMC
	ADCQ R12, DI
	ANDQ DI, R13
	MOVQ R12, AX
	NOTQ AX
	ANDQ AX, R13

	// The decoders' sweep: the chunk's two blocks, each with a marker
	// (marks) or of base64 characters and '=' only (dense). The halves
	// of the markers and of the other bytes that are 0, by VPCMPEQD: 4
	// bits, the markers' low and high halves, then the other bytes'.
	MOVQ      8(SP), DI
	TESTQ     DI, DI
	JZ        swept512
	MOVQ      24(SP), BX
	ORQ       R12, BX
	NOTQ      BX
	VMOVQ     16(SP), X7
	VPINSRQ   $1, BX, X7, X7
	VPCMPEQD  X8, X7, X7
	VMOVMSKPS X7, AX
	MOVL      AX, BX
	SHRL      $2, BX
	XORL      $3, AX
	ANDL      $3, AX
	IMULQ     DI, AX
	IMULQ     DI, BX
	ORQ       AX, 32(SP)
	ORQ       BX, 40(SP)
	SHLQ      $2, DI
	MOVQ      DI, 8(SP)

swept512:
	MOVQ R15, AX
	ORQ  R13, AX
	JNZ  found512
	ADDQ $64, DX
	JMP  loop512

found512:
	// ev[count] = {DX, cand, ends, m}; stop when ev is full.
	MOVQ ev+32(FP), AX
	MOVQ 56(SP), DI
	SHLQ $5, DI
	MOVQ DX, 0(AX)(DI*1)
	MOVQ R15, 8(AX)(DI*1)
	MOVQ R13, 16(AX)(DI*1)
	MOVQ R12, 24(AX)(DI*1)
	SHRQ $5, DI
	INCQ DI
	MOVQ DI, 56(SP)
	ADDQ $64, DX
	CMPQ DI, $4
	JLT  loop512
	MOVQ DX, off+40(FP)
	MOVQ DI, count+48(FP)
	JMP  done512

none512:
	MOVQ DX, off+40(FP)
	MOVQ 56(SP), DI
	MOVQ DI, count+48(FP)

done512:
	MOVQ       st+24(FP), AX
	MOVQ       R8, 0(AX)
	MOVQ       R9, 8(AX)
	MOVQ       R10, 16(AX)
	MOVQ       R11, 24(AX)
	MOVQ       8(SP), BX
	MOVQ       BX, 48(AX)
	MOVQ       32(SP), BX
	MOVQ       BX, 56(AX)
	MOVQ       40(SP), BX
	MOVQ       BX, 64(AX)
	VZEROUPPER
	RET

#include "textflag.h"
#include "go_asm.h"

// func candChunks(p *byte, n int, t *candTabs, st *candState, ev *[candBatch]candEvent) (off, count int)
//
// The candidate scan (cands.go) over the 64-byte chunks of p[:n], n a
// multiple of 64, p[n] readable (each chunk reads the byte after it). It
// writes the chunks with candidates or base64 ends to ev (offset, masks)
// until ev is full (candBatch, 4) and returns where it stopped and how
// many it wrote; st is carried along.
// Go's candState.step is the reference of the scalar part, chunkMasks of
// the vector part.
//
// Locals: the movemasks of the chunk, inverted where they come from a
// comparison with zero: 0 ^pairs, 8 cask, 16 ^b64, 24 ^alnum, 32 ^upper,
// 40 ^lower (the low half of each at +0, the high at +4); 48 cand; 56 the
// events written; the decoders' sweep (sweep.go), where st.swPos is not 0:
// 288 the marker table (32 bytes), 352 the bit of the chunk's first block,
// 360 the chunk's markers, 368 its '=' (each 8 bytes, halves as above),
// 376 and 384 the blocks with markers and of base64 so far (st's). The
// second pair tables (buckets 8-15), the class masks and '=' are read from
// t.ymm (no register is left for them), t kept in R15 (no global is
// accessed here).
TEXT ·candChunks(SB), NOSPLIT, $392-56
	MOVQ           p+0(FP), SI
	MOVQ           n+8(FP), CX
	MOVQ           t+16(FP), AX
	VBROADCASTI128 0(AX), Y14
	VBROADCASTI128 16(AX), Y13
	VBROADCASTI128 32(AX), Y12
	VBROADCASTI128 48(AX), Y11
	VBROADCASTI128 64(AX), Y10
	VBROADCASTI128 80(AX), Y9
	MOVL           $0x0f0f0f0f, AX
	MOVQ           AX, X15
	VPBROADCASTD   X15, Y15
	MOVQ           t+16(FP), R15
	VPXOR          Y8, Y8, Y8
	MOVQ           st+24(FP), AX
	MOVQ           0(AX), R8
	MOVQ           8(AX), R9
	MOVQ           16(AX), R10
	MOVQ           24(AX), R11
	MOVQ           48(AX), BX
	MOVQ           BX, 352(SP)
	MOVQ           56(AX), BX
	MOVQ           BX, 376(SP)
	MOVQ           64(AX), BX
	MOVQ           BX, 384(SP)
	MOVQ           352(SP), BX
	TESTQ          BX, BX
	JZ             nosweep
	VMOVQ          32(AX), X0
	VPINSRQ        $1, 40(AX), X0, X0
	VINSERTI128    $1, X0, Y0, Y0
	VMOVDQU        Y0, 288(SP)

nosweep:
	XORQ DX, DX
	MOVQ $0, 56(SP)

loop:
	CMPQ DX, CX
	JGE  none
	VMOVDQU   0(SI)(DX*1), Y0
	VMOVDQU   1(SI)(DX*1), Y1
	CMPQ      352(SP), $0
	JEQ       nosweep0
	VMOVDQU   288(SP), Y2
	VPSHUFB   Y0, Y2, Y2
	VPCMPEQB  Y0, Y2, Y2
	VPMOVMSKB Y2, AX
	MOVL      AX, 360(SP)
	VPCMPEQB  (candTabs_ymm+224)(R15), Y0, Y2
	VPMOVMSKB Y2, AX
	MOVL      AX, 368(SP)

nosweep0:
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPAND     Y15, Y0, Y0
	VPSHUFB   Y0, Y14, Y3
	VPSHUFB   Y2, Y13, Y4
	VPAND     Y4, Y3, Y3
	VPSHUFB   Y0, Y12, Y4
	VPSHUFB   Y2, Y11, Y5
	VPAND     Y5, Y4, Y4
	VMOVDQU   (candTabs_ymm+0)(R15), Y5
	VPSHUFB   Y0, Y5, Y5
	VMOVDQU   (candTabs_ymm+32)(R15), Y6
	VPSHUFB   Y2, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPSRLW    $4, Y1, Y2
	VPAND     Y15, Y2, Y2
	VPAND     Y15, Y1, Y1
	VPSHUFB   Y1, Y10, Y0
	VPSHUFB   Y2, Y9, Y6
	VPAND     Y6, Y0, Y0
	VPAND     Y0, Y4, Y4
	VMOVDQU   (candTabs_ymm+64)(R15), Y6
	VPSHUFB   Y1, Y6, Y6
	VMOVDQU   (candTabs_ymm+96)(R15), Y7
	VPSHUFB   Y2, Y7, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPMOVMSKB Y5, AX
	MOVL      AX, 8(SP)
	VPOR      Y5, Y4, Y4
	VPCMPEQB  Y8, Y4, Y4
	VPMOVMSKB Y4, AX
	MOVL      AX, 0(SP)
	VPCMPEQB  Y8, Y3, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 16(SP)
	VPAND     (candTabs_ymm+128)(R15), Y3, Y0
	VPCMPEQB  Y8, Y0, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 24(SP)
	VPAND     (candTabs_ymm+160)(R15), Y3, Y0
	VPCMPEQB  Y8, Y0, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 32(SP)
	VPAND     (candTabs_ymm+192)(R15), Y3, Y0
	VPCMPEQB  Y8, Y0, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 40(SP)
	VMOVDQU   32(SI)(DX*1), Y0
	VMOVDQU   33(SI)(DX*1), Y1
	CMPQ      352(SP), $0
	JEQ       nosweep1
	VMOVDQU   288(SP), Y2
	VPSHUFB   Y0, Y2, Y2
	VPCMPEQB  Y0, Y2, Y2
	VPMOVMSKB Y2, AX
	MOVL      AX, 364(SP)
	VPCMPEQB  (candTabs_ymm+224)(R15), Y0, Y2
	VPMOVMSKB Y2, AX
	MOVL      AX, 372(SP)

nosweep1:
	VPSRLW    $4, Y0, Y2
	VPAND     Y15, Y2, Y2
	VPAND     Y15, Y0, Y0
	VPSHUFB   Y0, Y14, Y3
	VPSHUFB   Y2, Y13, Y4
	VPAND     Y4, Y3, Y3
	VPSHUFB   Y0, Y12, Y4
	VPSHUFB   Y2, Y11, Y5
	VPAND     Y5, Y4, Y4
	VMOVDQU   (candTabs_ymm+0)(R15), Y5
	VPSHUFB   Y0, Y5, Y5
	VMOVDQU   (candTabs_ymm+32)(R15), Y6
	VPSHUFB   Y2, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPSRLW    $4, Y1, Y2
	VPAND     Y15, Y2, Y2
	VPAND     Y15, Y1, Y1
	VPSHUFB   Y1, Y10, Y0
	VPSHUFB   Y2, Y9, Y6
	VPAND     Y6, Y0, Y0
	VPAND     Y0, Y4, Y4
	VMOVDQU   (candTabs_ymm+64)(R15), Y6
	VPSHUFB   Y1, Y6, Y6
	VMOVDQU   (candTabs_ymm+96)(R15), Y7
	VPSHUFB   Y2, Y7, Y7
	VPAND     Y7, Y6, Y6
	VPAND     Y6, Y5, Y5
	VPMOVMSKB Y5, AX
	MOVL      AX, 12(SP)
	VPOR      Y5, Y4, Y4
	VPCMPEQB  Y8, Y4, Y4
	VPMOVMSKB Y4, AX
	MOVL      AX, 4(SP)
	VPCMPEQB  Y8, Y3, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 20(SP)
	VPAND     (candTabs_ymm+128)(R15), Y3, Y0
	VPCMPEQB  Y8, Y0, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 28(SP)
	VPAND     (candTabs_ymm+160)(R15), Y3, Y0
	VPCMPEQB  Y8, Y0, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 36(SP)
	VPAND     (candTabs_ymm+192)(R15), Y3, Y0
	VPCMPEQB  Y8, Y0, Y0
	VPMOVMSKB Y0, AX
	MOVL      AX, 44(SP)

	// cand = pairs &^ (alnum<<1 | aprev) | cask
	MOVQ 24(SP), AX
	NOTQ AX
	MOVQ AX, DI
	SHLQ $1, DI
	ORQ  R8, DI
	SHRQ $63, AX
	MOVQ AX, R8
	MOVQ 0(SP), BX
	NOTQ BX
	NOTQ DI
	ANDQ DI, BX
	ORQ  8(SP), BX
	MOVQ BX, 48(SP)

	// m: the base64 characters; the upper-case and lower-case flags
	// carried through its runs.
	MOVQ   16(SP), R12
	NOTQ   R12
	MOVQ   32(SP), R13
	NOTQ   R13
	BTQ    $0, R10
	ADCQ   R12, R13
	SETCS  R10B
	MOVBQZX R10B, R10
	MOVQ   40(SP), DI
	NOTQ   DI
	BTQ    $0, R11
	ADCQ   R12, DI
	SETCS  R11B
	MOVBQZX R11B, R11
	ANDQ   DI, R13

	// p27: the starts of 27 base64 characters in a row.
	MOVQ R12, AX
	SHRQ $1, AX
	ANDQ R12, AX
	MOVQ AX, DI
	SHRQ $2, DI
	ANDQ AX, DI
	MOVQ DI, BX
	SHRQ $4, BX
	ANDQ DI, BX
	MOVQ BX, DI
	SHRQ $8, DI
	ANDQ BX, DI
	SHRQ $16, BX
	ANDQ BX, DI
	SHRQ $24, AX
	ANDQ AX, DI
	MOVQ R12, AX
	SHRQ $26, AX
	ANDQ AX, DI

	// The run the chunk begins with, and the one it ends in.
	MOVQ  R12, AX
	NOTQ  AX
	TESTQ AX, AX
	JZ    allones
	BSFQ  AX, BX
	BSRQ  AX, AX
	ADDQ  R9, BX
	MOVQ  $63, R9
	SUBQ  AX, R9
	JMP   runs

allones:
	MOVQ R9, BX
	ADDQ $64, BX
	ADDQ $64, R9

runs:
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
	MOVQ      352(SP), DI
	TESTQ     DI, DI
	JZ        swept
	MOVQ      368(SP), BX
	ORQ       R12, BX
	NOTQ      BX
	VMOVQ     360(SP), X7
	VPINSRQ   $1, BX, X7, X7
	VPCMPEQD  X8, X7, X7
	VMOVMSKPS X7, AX
	MOVL      AX, BX
	SHRL      $2, BX
	XORL      $3, AX
	ANDL      $3, AX
	IMULQ     DI, AX
	IMULQ     DI, BX
	ORQ       AX, 376(SP)
	ORQ       BX, 384(SP)
	SHLQ      $2, DI
	MOVQ      DI, 352(SP)

swept:
	MOVQ 48(SP), BX
	MOVQ BX, AX
	ORQ  R13, AX
	JNZ  found
	ADDQ $64, DX
	JMP  loop

found:
	// ev[count] = {DX, cand, ends, m}; stop when ev is full.
	MOVQ ev+32(FP), AX
	MOVQ 56(SP), DI
	SHLQ $5, DI
	MOVQ DX, 0(AX)(DI*1)
	MOVQ BX, 8(AX)(DI*1)
	MOVQ R13, 16(AX)(DI*1)
	MOVQ R12, 24(AX)(DI*1)
	SHRQ $5, DI
	INCQ DI
	MOVQ DI, 56(SP)
	ADDQ $64, DX
	CMPQ DI, $4
	JLT  loop
	MOVQ DX, off+40(FP)
	MOVQ DI, count+48(FP)
	JMP  done

none:
	MOVQ CX, off+40(FP)
	MOVQ 56(SP), DI
	MOVQ DI, count+48(FP)

done:
	MOVQ       st+24(FP), AX
	MOVQ       R8, 0(AX)
	MOVQ       R9, 8(AX)
	MOVQ       R10, 16(AX)
	MOVQ       R11, 24(AX)
	MOVQ       352(SP), BX
	MOVQ       BX, 48(AX)
	MOVQ       376(SP), BX
	MOVQ       BX, 56(AX)
	MOVQ       384(SP), BX
	MOVQ       BX, 64(AX)
	VZEROUPPER
	RET

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

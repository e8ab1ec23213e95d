/*===- SignatureCheck.h - validate a model library's signature (internal) ===*/
#ifndef CNNRT_SIGNATURECHECK_H
#define CNNRT_SIGNATURECHECK_H

#include "cnnrt/cnnrt.h"

/* Ranks above this are not what cnnc generates (its frontends stop at 8). */
enum { kCnnrtMaxSignatureRank = 64 };

/* Checks the signature a model library returned, before libcnnrt hands it
 * to its callers: the ABI version, counts and arrays, every input and output
 * (a name, a known dtype, a rank from 0 to kCnnrtMaxSignatureRank with its
 * shape, dimensions >= 0 whose byte size, zeros counted as 1, fits in
 * int64), every layer (name,
 * kind, macs >= 0 with a sum that fits in int64) and the host's ISA
 * features. Returns CNNRT_OK, or CNNRT_ERROR_LOAD with a message naming
 * `path`. Only what the pointers point to is trusted: the arrays are taken to
 * hold as many entries as their counts and ranks say. */
int cnnrtCheckSignature(const cnnrt_model_signature *sig, const char *path,
                        cnnrt_error *err);

#endif

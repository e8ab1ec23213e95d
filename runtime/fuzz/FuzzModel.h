/*===- FuzzModel.h - the signature fuzzer's stand-in model ----------------===*/
#ifndef CNNRT_FUZZMODEL_H
#define CNNRT_FUZZMODEL_H

#include "cnnrt/cnnrt_abi.h"

/* The signature the model stub reads (cnnc_model_signature), writable. */
cnnrt_model_signature *fuzzModelSignature(void);
/* Set when the stub ran the model's entry. */
extern int fuzzModelEntered;

#endif

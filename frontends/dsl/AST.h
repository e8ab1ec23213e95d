//===- AST.h - syntax tree of the cnnc network language ---------*- C++ -*-===//
//
// The abstract syntax tree of a .cnn file: blocks and networks made of
// statements (assignment, return, repeat, if) over expressions (literals,
// names, lists, calls with positional and keyword arguments, operators).
// `a |> f(b)` is parsed as the call f(a, b), marked as piped for printing.
// Like Toy's AST, nodes are a small class hierarchy with LLVM-style RTTI.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_AST_H
#define CNNC_FRONTENDS_DSL_AST_H

#include "dsl/Lexer.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::cnnc::dsl {

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class ExprAST {
public:
  enum Kind {
    Expr_Int,
    Expr_Float,
    Expr_Bool,
    Expr_String,
    Expr_Var,
    Expr_List,
    Expr_Call,
    Expr_Binary,
    Expr_Unary,
  };
  ExprAST(Kind kind, SrcLoc loc, unsigned height = 1)
      : kind(kind), loc(std::move(loc)), height(height) {}
  virtual ~ExprAST() = default;
  Kind getKind() const { return kind; }
  const SrcLoc &getLoc() const { return loc; }
  /// Levels of the tree below and including this node (1 for a leaf): the
  /// depth of the recursion that evaluates, prints or frees it, which the
  /// parser bounds (Limits.h).
  unsigned getHeight() const { return height; }

private:
  const Kind kind;
  SrcLoc loc;
  unsigned height;
};
using ExprPtr = std::unique_ptr<ExprAST>;

/// 1 + the largest height of `children` (null children count 0).
template <typename Range, typename Fn>
unsigned heightAbove(const Range &children, Fn get) {
  unsigned h = 0;
  for (const auto &c : children)
    if (const ExprAST *e = get(c))
      h = std::max(h, e->getHeight());
  return h + 1;
}

class IntExprAST : public ExprAST {
public:
  IntExprAST(SrcLoc loc, int64_t v) : ExprAST(Expr_Int, std::move(loc)), v(v) {}
  int64_t getValue() const { return v; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Int; }

private:
  int64_t v;
};

class FloatExprAST : public ExprAST {
public:
  FloatExprAST(SrcLoc loc, double v)
      : ExprAST(Expr_Float, std::move(loc)), v(v) {}
  double getValue() const { return v; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Float; }

private:
  double v;
};

class BoolExprAST : public ExprAST {
public:
  BoolExprAST(SrcLoc loc, bool v) : ExprAST(Expr_Bool, std::move(loc)), v(v) {}
  bool getValue() const { return v; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Bool; }

private:
  bool v;
};

class StringExprAST : public ExprAST {
public:
  StringExprAST(SrcLoc loc, std::string v)
      : ExprAST(Expr_String, std::move(loc)), v(std::move(v)) {}
  llvm::StringRef getValue() const { return v; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_String; }

private:
  std::string v;
};

class VarExprAST : public ExprAST {
public:
  VarExprAST(SrcLoc loc, std::string name)
      : ExprAST(Expr_Var, std::move(loc)), name(std::move(name)) {}
  llvm::StringRef getName() const { return name; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Var; }

private:
  std::string name;
};

class ListExprAST : public ExprAST {
public:
  ListExprAST(SrcLoc loc, std::vector<ExprPtr> elts)
      : ExprAST(Expr_List, std::move(loc),
                heightAbove(elts, [](const ExprPtr &e) { return e.get(); })),
        elts(std::move(elts)) {}
  llvm::ArrayRef<ExprPtr> getElements() const { return elts; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_List; }

private:
  std::vector<ExprPtr> elts;
};

/// An argument of a call: positional (empty name) or `name = value`.
struct ArgAST {
  std::string name;
  SrcLoc loc;
  ExprPtr value;
};

class CallExprAST : public ExprAST {
public:
  CallExprAST(SrcLoc loc, std::string callee, std::vector<ArgAST> args,
              bool piped)
      : ExprAST(Expr_Call, std::move(loc),
                heightAbove(args,
                            [](const ArgAST &a) { return a.value.get(); })),
        callee(std::move(callee)),
        args(std::move(args)), piped(piped) {}
  llvm::StringRef getCallee() const { return callee; }
  llvm::ArrayRef<ArgAST> getArgs() const { return args; }
  /// Written as `arg0 |> callee(...)`.
  bool isPiped() const { return piped; }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Call; }

private:
  std::string callee;
  std::vector<ArgAST> args;
  bool piped;
};

class BinaryExprAST : public ExprAST {
public:
  BinaryExprAST(SrcLoc loc, Tok op, ExprPtr lhs, ExprPtr rhs)
      : ExprAST(Expr_Binary, std::move(loc),
                1 + std::max(lhs->getHeight(), rhs->getHeight())),
        op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  Tok getOp() const { return op; }
  ExprAST *getLHS() const { return lhs.get(); }
  ExprAST *getRHS() const { return rhs.get(); }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Binary; }

private:
  Tok op;
  ExprPtr lhs, rhs;
};

class UnaryExprAST : public ExprAST {
public:
  UnaryExprAST(SrcLoc loc, Tok op, ExprPtr operand)
      : ExprAST(Expr_Unary, std::move(loc), 1 + operand->getHeight()), op(op),
        operand(std::move(operand)) {}
  Tok getOp() const { return op; }
  ExprAST *getOperand() const { return operand.get(); }
  static bool classof(const ExprAST *e) { return e->getKind() == Expr_Unary; }

private:
  Tok op;
  ExprPtr operand;
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

class StmtAST {
public:
  enum Kind { Stmt_Assign, Stmt_Return, Stmt_Repeat, Stmt_If };
  StmtAST(Kind kind, SrcLoc loc) : kind(kind), loc(std::move(loc)) {}
  virtual ~StmtAST() = default;
  Kind getKind() const { return kind; }
  const SrcLoc &getLoc() const { return loc; }

private:
  const Kind kind;
  SrcLoc loc;
};
using StmtPtr = std::unique_ptr<StmtAST>;
using StmtList = std::vector<StmtPtr>;

/// `name = value`.
class AssignStmtAST : public StmtAST {
public:
  AssignStmtAST(SrcLoc loc, std::string name, ExprPtr value)
      : StmtAST(Stmt_Assign, std::move(loc)), name(std::move(name)),
        value(std::move(value)) {}
  llvm::StringRef getName() const { return name; }
  ExprAST *getValue() const { return value.get(); }
  static bool classof(const StmtAST *s) { return s->getKind() == Stmt_Assign; }

private:
  std::string name;
  ExprPtr value;
};

/// One returned value: `expr` or `expr as name`.
struct ReturnValueAST {
  ExprPtr value;
  std::string name; // empty when not given
};

/// `return e1 [as n1], e2 [as n2], ...`.
class ReturnStmtAST : public StmtAST {
public:
  ReturnStmtAST(SrcLoc loc, std::vector<ReturnValueAST> values)
      : StmtAST(Stmt_Return, std::move(loc)), values(std::move(values)) {}
  llvm::ArrayRef<ReturnValueAST> getValues() const { return values; }
  static bool classof(const StmtAST *s) { return s->getKind() == Stmt_Return; }

private:
  std::vector<ReturnValueAST> values;
};

/// `repeat count [as index] { body }`.
class RepeatStmtAST : public StmtAST {
public:
  RepeatStmtAST(SrcLoc loc, ExprPtr count, std::string index, StmtList body)
      : StmtAST(Stmt_Repeat, std::move(loc)), count(std::move(count)),
        index(std::move(index)), body(std::move(body)) {}
  ExprAST *getCount() const { return count.get(); }
  llvm::StringRef getIndex() const { return index; }
  const StmtList &getBody() const { return body; }
  static bool classof(const StmtAST *s) { return s->getKind() == Stmt_Repeat; }

private:
  ExprPtr count;
  std::string index;
  StmtList body;
};

/// `if cond { then } [else { else }]` (`else if` nests).
class IfStmtAST : public StmtAST {
public:
  IfStmtAST(SrcLoc loc, ExprPtr cond, StmtList thenBody, StmtList elseBody)
      : StmtAST(Stmt_If, std::move(loc)), cond(std::move(cond)),
        thenBody(std::move(thenBody)), elseBody(std::move(elseBody)) {}
  ExprAST *getCond() const { return cond.get(); }
  const StmtList &getThen() const { return thenBody; }
  const StmtList &getElse() const { return elseBody; }
  static bool classof(const StmtAST *s) { return s->getKind() == Stmt_If; }

private:
  ExprPtr cond;
  StmtList thenBody, elseBody;
};

//===----------------------------------------------------------------------===//
// Definitions
//===----------------------------------------------------------------------===//

/// A block parameter, with an optional default value.
struct ParamAST {
  std::string name;
  SrcLoc loc;
  ExprPtr defaultValue;
};

/// `block name(params) { body }`: a reusable piece of network.
struct BlockAST {
  std::string name;
  SrcLoc loc;
  std::vector<ParamAST> params;
  StmtList body;
};

/// A network input: `name: [d0, d1, ...]`.
struct InputAST {
  std::string name;
  SrcLoc loc;
  std::vector<int64_t> shape;
};

/// `network name(inputs) { body }`.
struct NetworkAST {
  std::string name;
  SrcLoc loc;
  std::vector<InputAST> inputs;
  StmtList body;
};

/// A whole file: blocks (at the top level or inside the network) and one
/// network.
struct ModuleAST {
  std::vector<std::unique_ptr<BlockAST>> blocks;
  std::vector<std::unique_ptr<NetworkAST>> networks;
};

/// Prints the tree, one node per line, indented (cnnc --emit=ast).
void dump(const ModuleAST &module, llvm::raw_ostream &os);

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_AST_H

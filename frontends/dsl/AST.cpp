//===- AST.cpp - printing the syntax tree of a .cnn file ------------------===//
//
// `cnnc net.cnn --emit=ast`: one node per line, children indented by two
// spaces, each with its line:column, e.g.
//
//   Network lenet5 @1:1
//     Input input [1, 1, 32, 32] @1:17
//     Assign x @2:3
//       Call conv @2:7
//
//===----------------------------------------------------------------------===//

#include "dsl/AST.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

using namespace mlir::cnnc::dsl;

namespace {
class ASTDumper {
public:
  explicit ASTDumper(llvm::raw_ostream &os) : os(os) {}

  void dump(const ModuleAST &m) {
    os << "Module\n";
    Indent in(level);
    for (const auto &b : m.blocks)
      dump(*b);
    for (const auto &n : m.networks)
      dump(*n);
  }

private:
  struct Indent {
    explicit Indent(int &level) : level(level) { ++level; }
    ~Indent() { --level; }
    int &level;
  };

  void line() { os.indent(2 * level); }
  void at(const SrcLoc &loc) { os << " @" << loc.line << ":" << loc.col << "\n"; }

  void dump(const BlockAST &b) {
    line();
    os << "Block " << b.name;
    at(b.loc);
    Indent in(level);
    for (const ParamAST &p : b.params) {
      line();
      os << "Param " << p.name;
      at(p.loc);
      if (p.defaultValue) {
        Indent in2(level);
        dump(p.defaultValue.get());
      }
    }
    dump(b.body);
  }

  void dump(const NetworkAST &n) {
    line();
    os << "Network " << n.name;
    at(n.loc);
    Indent in(level);
    for (const InputAST &i : n.inputs) {
      line();
      os << "Input " << i.name << " [";
      llvm::interleaveComma(i.shape, os);
      os << "]";
      at(i.loc);
    }
    dump(n.body);
  }

  void dump(const StmtList &body) {
    for (const StmtPtr &s : body)
      dump(s.get());
  }

  void dump(const StmtAST *s) {
    line();
    llvm::TypeSwitch<const StmtAST *>(s)
        .Case([&](const AssignStmtAST *a) {
          os << "Assign " << a->getName();
          at(a->getLoc());
          Indent in(level);
          dump(a->getValue());
        })
        .Case([&](const ReturnStmtAST *r) {
          os << "Return";
          at(r->getLoc());
          Indent in(level);
          for (const ReturnValueAST &v : r->getValues()) {
            if (!v.name.empty()) {
              line();
              os << "As " << v.name << "\n";
              Indent in2(level);
              dump(v.value.get());
            } else {
              dump(v.value.get());
            }
          }
        })
        .Case([&](const RepeatStmtAST *r) {
          os << "Repeat";
          if (!r->getIndex().empty())
            os << " as " << r->getIndex();
          at(r->getLoc());
          Indent in(level);
          dump(r->getCount());
          line();
          os << "Body\n";
          Indent in2(level);
          dump(r->getBody());
        })
        .Case([&](const IfStmtAST *i) {
          os << "If";
          at(i->getLoc());
          Indent in(level);
          dump(i->getCond());
          line();
          os << "Then\n";
          {
            Indent in2(level);
            dump(i->getThen());
          }
          if (!i->getElse().empty()) {
            line();
            os << "Else\n";
            Indent in2(level);
            dump(i->getElse());
          }
        });
  }

  void dump(const ExprAST *e) {
    line();
    llvm::TypeSwitch<const ExprAST *>(e)
        .Case([&](const IntExprAST *i) {
          os << "Int " << i->getValue();
          at(e->getLoc());
        })
        .Case([&](const FloatExprAST *f) {
          os << "Float " << llvm::format("%g", f->getValue());
          at(e->getLoc());
        })
        .Case([&](const BoolExprAST *b) {
          os << "Bool " << (b->getValue() ? "true" : "false");
          at(e->getLoc());
        })
        .Case([&](const StringExprAST *s) {
          os << "String \"" << s->getValue() << "\"";
          at(e->getLoc());
        })
        .Case([&](const VarExprAST *v) {
          os << "Var " << v->getName();
          at(e->getLoc());
        })
        .Case([&](const ListExprAST *l) {
          os << "List";
          at(e->getLoc());
          Indent in(level);
          for (const ExprPtr &x : l->getElements())
            dump(x.get());
        })
        .Case([&](const CallExprAST *c) {
          os << "Call " << c->getCallee() << (c->isPiped() ? " (piped)" : "");
          at(e->getLoc());
          Indent in(level);
          for (const ArgAST &a : c->getArgs()) {
            if (a.name.empty()) {
              dump(a.value.get());
              continue;
            }
            line();
            os << "Keyword " << a.name;
            at(a.loc);
            Indent in2(level);
            dump(a.value.get());
          }
        })
        .Case([&](const BinaryExprAST *b) {
          os << "BinaryOp " << tokName(b->getOp());
          at(e->getLoc());
          Indent in(level);
          dump(b->getLHS());
          dump(b->getRHS());
        })
        .Case([&](const UnaryExprAST *u) {
          os << "UnaryOp " << tokName(u->getOp());
          at(e->getLoc());
          Indent in(level);
          dump(u->getOperand());
        });
  }

  llvm::raw_ostream &os;
  int level = 0;
};
} // namespace

void mlir::cnnc::dsl::dump(const ModuleAST &module, llvm::raw_ostream &os) {
  ASTDumper(os).dump(module);
}

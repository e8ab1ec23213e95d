//===- Parser.h - parser of the cnnc network language -----------*- C++ -*-===//
//
// A recursive descent parser producing a ModuleAST, in the manner of MLIR's
// Toy tutorial. The grammar is in docs/dsl.md. On a syntax error the parser
// reports it and skips to the next statement (the next line that starts one,
// or a closing brace), so that one run shows several errors.
//
// Nesting is bounded (kMaxNesting, Limits.h): the parser's own recursion
// (statements in bodies, parenthesized and nested expressions) and the height
// of each expression tree, which left-associative chains (`a + b + c`,
// `x |> f |> g`) build without recursing. Past the bound the parser reports
// one error and stops, so that neither it nor the generator, the AST printer
// or the AST's destructors recurse without end.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_PARSER_H
#define CNNC_FRONTENDS_DSL_PARSER_H

#include "dsl/AST.h"
#include "dsl/Lexer.h"

#include "llvm/ADT/Twine.h"

#include <functional>
#include <memory>

namespace mlir::cnnc::dsl {

/// Receives each syntax error with its position.
using ErrorFn = std::function<void(const SrcLoc &, const llvm::Twine &)>;

class Parser {
public:
  Parser(Lexer &lexer, ErrorFn onError)
      : lex(lexer), onError(std::move(onError)) {}

  /// Parses the whole file; null when there was a syntax error.
  std::unique_ptr<ModuleAST> parseModule() {
    auto module = std::make_unique<ModuleAST>();
    while (lex.cur() != Tok::Eof && !tooDeep) {
      if (lex.cur() == Tok::KwBlock) {
        if (auto b = parseBlock())
          module->blocks.push_back(std::move(b));
        else
          syncTopLevel();
      } else if (lex.cur() == Tok::KwNetwork) {
        if (auto n = parseNetwork(*module))
          module->networks.push_back(std::move(n));
        else
          syncTopLevel();
      } else {
        error("expected 'network' or 'block' at the top level");
        lex.next();
        syncTopLevel();
      }
    }
    if (failedParse)
      return nullptr;
    return module;
  }

private:
  //===--------------------------------------------------------------------===//
  // Errors and recovery
  //===--------------------------------------------------------------------===//

  /// One level of the parser's recursion, for the scope of a parse function.
  struct Nest {
    explicit Nest(Parser &p) : p(p) { ++p.depth; }
    ~Nest() { --p.depth; }
    /// False (after reporting it) when this level is one too many.
    bool ok() {
      if (p.depth <= kMaxNesting)
        return true;
      p.nestingError(p.lex.loc());
      return false;
    }
    Parser &p;
  };

  void nestingError(const SrcLoc &loc) {
    if (!tooDeep)
      errorAt(loc, "nesting is too deep: more than " +
                       llvm::Twine(kMaxNesting) +
                       " levels of parentheses, lists, calls, operators, "
                       "pipes or bodies");
    tooDeep = true;
  }

  /// `e`, or null after an error when the tree has grown past the bound.
  ExprPtr bounded(ExprPtr e) {
    if (e && e->getHeight() > kMaxNesting) {
      nestingError(e->getLoc());
      return nullptr;
    }
    return e;
  }

  /// Reports an error at the current token (once per position).
  void error(const llvm::Twine &msg) { errorAt(lex.loc(), msg); }
  void errorAt(const SrcLoc &loc, const llvm::Twine &msg) {
    failedParse = true;
    if (loc.line == lastErrorLine && loc.col == lastErrorCol)
      return;
    lastErrorLine = loc.line;
    lastErrorCol = loc.col;
    if (lex.cur() == Tok::Error && loc.line == lex.loc().line &&
        loc.col == lex.loc().col) {
      onError(loc, lex.errorMessage());
      return;
    }
    onError(loc, msg);
  }
  /// "expected X, found Y".
  void expected(const llvm::Twine &what) {
    std::string found = lex.cur() == Tok::Eof ? "end of file"
                                              : "'" + lex.spelling().str() + "'";
    error("expected " + what + ", found " + found);
  }
  bool consume(Tok t, const char *context = nullptr) {
    if (lex.cur() == t) {
      lex.next();
      return true;
    }
    expected(llvm::Twine(tokName(t)) + (context ? llvm::Twine(" ") + context
                                                : llvm::Twine()));
    return false;
  }

  static bool startsStatement(Tok t) {
    return t == Tok::Ident || t == Tok::KwReturn || t == Tok::KwRepeat ||
           t == Tok::KwIf || t == Tok::KwBlock;
  }

  /// Skips to the next statement in the current body: a token that starts
  /// a statement at the beginning of a line, or the body's closing brace.
  void syncStatement() {
    int depth = 0;
    bool first = true;
    while (lex.cur() != Tok::Eof) {
      if (depth == 0 && lex.cur() == Tok::RBrace)
        return;
      if (!first && depth == 0 && lex.atLineStart() &&
          startsStatement(lex.cur()))
        return;
      if (lex.cur() == Tok::LBrace)
        ++depth;
      else if (lex.cur() == Tok::RBrace)
        --depth;
      first = false;
      lex.next();
    }
  }

  void syncTopLevel() {
    while (lex.cur() != Tok::Eof &&
           !(lex.atLineStart() &&
             (lex.cur() == Tok::KwBlock || lex.cur() == Tok::KwNetwork)))
      lex.next();
  }

  //===--------------------------------------------------------------------===//
  // Definitions
  //===--------------------------------------------------------------------===//

  /// block := 'block' NAME '(' [param (',' param)*] ')' '{' stmts '}'
  std::unique_ptr<BlockAST> parseBlock() {
    auto b = std::make_unique<BlockAST>();
    b->loc = lex.loc();
    lex.next();
    if (lex.cur() != Tok::Ident)
      return expected("a block name"), nullptr;
    b->name = lex.spelling().str();
    lex.next();
    if (!consume(Tok::LParen, "after the block name"))
      return nullptr;
    while (lex.cur() != Tok::RParen) {
      ParamAST p;
      p.loc = lex.loc();
      if (lex.cur() != Tok::Ident)
        return expected("a parameter name"), nullptr;
      p.name = lex.spelling().str();
      lex.next();
      if (lex.cur() == Tok::Assign) {
        lex.next();
        p.defaultValue = parseExpr();
        if (!p.defaultValue)
          return nullptr;
      }
      b->params.push_back(std::move(p));
      if (lex.cur() == Tok::Comma)
        lex.next();
      else if (lex.cur() != Tok::RParen)
        return expected("',' or ')' in the parameter list"), nullptr;
    }
    lex.next();
    if (!parseBody(b->body, nullptr))
      return nullptr;
    return b;
  }

  /// network := 'network' NAME '(' input (',' input)* ')' '{' stmts '}'
  /// input   := NAME ':' '[' INT (',' INT)* ']'
  std::unique_ptr<NetworkAST> parseNetwork(ModuleAST &module) {
    auto n = std::make_unique<NetworkAST>();
    n->loc = lex.loc();
    lex.next();
    if (lex.cur() != Tok::Ident)
      return expected("a network name"), nullptr;
    n->name = lex.spelling().str();
    lex.next();
    if (!consume(Tok::LParen, "after the network name"))
      return nullptr;
    while (lex.cur() != Tok::RParen) {
      InputAST in;
      in.loc = lex.loc();
      if (lex.cur() != Tok::Ident)
        return expected("an input name"), nullptr;
      in.name = lex.spelling().str();
      lex.next();
      if (!consume(Tok::Colon, "and a shape after the input name") ||
          !consume(Tok::LBracket, "to start the input shape"))
        return nullptr;
      while (lex.cur() != Tok::RBracket) {
        if (lex.cur() != Tok::Int || lex.intValue() <= 0)
          return expected("a positive integer dimension"), nullptr;
        in.shape.push_back(lex.intValue());
        lex.next();
        if (lex.cur() == Tok::Comma)
          lex.next();
        else if (lex.cur() != Tok::RBracket)
          return expected("',' or ']' in the input shape"), nullptr;
      }
      lex.next();
      n->inputs.push_back(std::move(in));
      if (lex.cur() == Tok::Comma)
        lex.next();
      else if (lex.cur() != Tok::RParen)
        return expected("',' or ')' in the input list"), nullptr;
    }
    lex.next();
    if (n->inputs.empty())
      errorAt(n->loc, "network '" + n->name + "' has no inputs");
    if (!parseBody(n->body, &module))
      return nullptr;
    return n;
  }

  /// '{' stmt* '}'. Blocks defined inside a network go to `module`.
  bool parseBody(StmtList &body, ModuleAST *module) {
    if (!consume(Tok::LBrace))
      return false;
    while (lex.cur() != Tok::RBrace && lex.cur() != Tok::Eof) {
      if (tooDeep)
        return false;
      if (lex.cur() == Tok::KwBlock) {
        if (!module) {
          error("blocks are defined at the top level or in a network, not "
                "inside another block");
          lex.next();
          syncStatement();
          continue;
        }
        if (auto b = parseBlock())
          module->blocks.push_back(std::move(b));
        else
          syncStatement();
        continue;
      }
      StmtPtr s = parseStatement(module);
      if (s)
        body.push_back(std::move(s));
      else
        syncStatement();
    }
    return consume(Tok::RBrace, "to close the body");
  }

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//

  StmtPtr parseStatement(ModuleAST *module) {
    SrcLoc loc = lex.loc();
    Nest nest(*this);
    if (!nest.ok())
      return nullptr;
    switch (lex.cur()) {
    case Tok::KwReturn: {
      lex.next();
      std::vector<ReturnValueAST> values;
      do {
        if (!values.empty())
          lex.next(); // ','
        ReturnValueAST v;
        v.value = parseExpr();
        if (!v.value)
          return nullptr;
        if (lex.cur() == Tok::KwAs) {
          lex.next();
          if (lex.cur() != Tok::Ident)
            return expected("a name after 'as'"), nullptr;
          v.name = lex.spelling().str();
          lex.next();
        }
        values.push_back(std::move(v));
      } while (lex.cur() == Tok::Comma);
      return std::make_unique<ReturnStmtAST>(loc, std::move(values));
    }
    case Tok::KwRepeat: {
      lex.next();
      ExprPtr count = parseExpr();
      if (!count)
        return nullptr;
      std::string index;
      if (lex.cur() == Tok::KwAs) {
        lex.next();
        if (lex.cur() != Tok::Ident)
          return expected("an index name after 'as'"), nullptr;
        index = lex.spelling().str();
        lex.next();
      }
      StmtList body;
      if (!parseBody(body, module))
        return nullptr;
      return std::make_unique<RepeatStmtAST>(loc, std::move(count), index,
                                             std::move(body));
    }
    case Tok::KwIf: {
      lex.next();
      ExprPtr cond = parseExpr();
      if (!cond)
        return nullptr;
      StmtList thenBody, elseBody;
      if (!parseBody(thenBody, module))
        return nullptr;
      if (lex.cur() == Tok::KwElse) {
        lex.next();
        if (lex.cur() == Tok::KwIf) {
          StmtPtr nested = parseStatement(module);
          if (!nested)
            return nullptr;
          elseBody.push_back(std::move(nested));
        } else if (!parseBody(elseBody, module)) {
          return nullptr;
        }
      }
      return std::make_unique<IfStmtAST>(loc, std::move(cond),
                                         std::move(thenBody),
                                         std::move(elseBody));
    }
    case Tok::Ident: {
      std::string name = lex.spelling().str();
      lex.next();
      if (lex.cur() != Tok::Assign) {
        errorAt(loc, "expected an assignment 'name = ...', a 'return', "
                     "'repeat' or 'if' statement");
        return nullptr;
      }
      lex.next();
      ExprPtr value = parseExpr();
      if (!value)
        return nullptr;
      return std::make_unique<AssignStmtAST>(loc, std::move(name),
                                             std::move(value));
    }
    default:
      expected("a statement");
      return nullptr;
    }
  }

  //===--------------------------------------------------------------------===//
  // Expressions
  //===--------------------------------------------------------------------===//

  /// expr := or ('|>' NAME ['(' args ')'])*
  ExprPtr parseExpr() {
    Nest nest(*this);
    if (!nest.ok())
      return nullptr;
    ExprPtr lhs = parseOr();
    while (lhs && lex.cur() == Tok::Pipe) {
      lex.next();
      SrcLoc loc = lex.loc();
      if (lex.cur() != Tok::Ident)
        return expected("a layer or block name after '|>'"), nullptr;
      std::string callee = lex.spelling().str();
      lex.next();
      std::vector<ArgAST> args;
      args.push_back({"", lhs->getLoc(), std::move(lhs)});
      if (lex.cur() == Tok::LParen && !parseArgs(args))
        return nullptr;
      lhs = bounded(std::make_unique<CallExprAST>(
          loc, std::move(callee), std::move(args), /*piped=*/true));
    }
    return lhs;
  }

  ExprPtr parseOr() {
    ExprPtr lhs = parseAnd();
    while (lhs && lex.cur() == Tok::KwOr) {
      SrcLoc loc = lex.loc();
      lex.next();
      ExprPtr rhs = parseAnd();
      if (!rhs)
        return nullptr;
      lhs = bounded(std::make_unique<BinaryExprAST>(
          loc, Tok::KwOr, std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  ExprPtr parseAnd() {
    ExprPtr lhs = parseNot();
    while (lhs && lex.cur() == Tok::KwAnd) {
      SrcLoc loc = lex.loc();
      lex.next();
      ExprPtr rhs = parseNot();
      if (!rhs)
        return nullptr;
      lhs = bounded(std::make_unique<BinaryExprAST>(
          loc, Tok::KwAnd, std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  ExprPtr parseNot() {
    if (lex.cur() != Tok::KwNot)
      return parseComparison();
    SrcLoc loc = lex.loc();
    Nest nest(*this);
    if (!nest.ok())
      return nullptr;
    lex.next();
    ExprPtr operand = parseNot();
    if (!operand)
      return nullptr;
    return bounded(
        std::make_unique<UnaryExprAST>(loc, Tok::KwNot, std::move(operand)));
  }

  ExprPtr parseComparison() {
    ExprPtr lhs = parseAdditive();
    Tok t = lex.cur();
    if (!lhs || !(t == Tok::Eq || t == Tok::Ne || t == Tok::Lt ||
                  t == Tok::Le || t == Tok::Gt || t == Tok::Ge))
      return lhs;
    SrcLoc loc = lex.loc();
    lex.next();
    ExprPtr rhs = parseAdditive();
    if (!rhs)
      return nullptr;
    return bounded(std::make_unique<BinaryExprAST>(loc, t, std::move(lhs),
                                                   std::move(rhs)));
  }

  ExprPtr parseAdditive() {
    ExprPtr lhs = parseMultiplicative();
    while (lhs && (lex.cur() == Tok::Plus || lex.cur() == Tok::Minus)) {
      Tok t = lex.cur();
      SrcLoc loc = lex.loc();
      lex.next();
      ExprPtr rhs = parseMultiplicative();
      if (!rhs)
        return nullptr;
      lhs = bounded(std::make_unique<BinaryExprAST>(loc, t, std::move(lhs),
                                                    std::move(rhs)));
    }
    return lhs;
  }

  ExprPtr parseMultiplicative() {
    ExprPtr lhs = parseUnary();
    while (lhs && (lex.cur() == Tok::Star || lex.cur() == Tok::Slash)) {
      Tok t = lex.cur();
      SrcLoc loc = lex.loc();
      lex.next();
      ExprPtr rhs = parseUnary();
      if (!rhs)
        return nullptr;
      lhs = bounded(std::make_unique<BinaryExprAST>(loc, t, std::move(lhs),
                                                    std::move(rhs)));
    }
    return lhs;
  }

  ExprPtr parseUnary() {
    if (lex.cur() != Tok::Minus)
      return parsePrimary();
    SrcLoc loc = lex.loc();
    Nest nest(*this);
    if (!nest.ok())
      return nullptr;
    lex.next();
    ExprPtr operand = parseUnary();
    if (!operand)
      return nullptr;
    // Fold negative literals so that `-1` prints as a number.
    if (auto *i = llvm::dyn_cast<IntExprAST>(operand.get()))
      return std::make_unique<IntExprAST>(loc, -i->getValue());
    if (auto *f = llvm::dyn_cast<FloatExprAST>(operand.get()))
      return std::make_unique<FloatExprAST>(loc, -f->getValue());
    return bounded(
        std::make_unique<UnaryExprAST>(loc, Tok::Minus, std::move(operand)));
  }

  /// args := '(' [arg (',' arg)*] ')'   arg := [NAME '='] expr
  bool parseArgs(std::vector<ArgAST> &args) {
    lex.next(); // '('
    bool sawKeyword = false;
    while (lex.cur() != Tok::RParen) {
      SrcLoc loc = lex.loc();
      ExprPtr e = parseExpr();
      if (!e)
        return false;
      if (lex.cur() == Tok::Assign) {
        auto *var = llvm::dyn_cast<VarExprAST>(e.get());
        if (!var) {
          error("only a name can be given a value here ('name = value')");
          return false;
        }
        lex.next();
        ExprPtr value = parseExpr();
        if (!value)
          return false;
        args.push_back({var->getName().str(), loc, std::move(value)});
        sawKeyword = true;
      } else {
        if (sawKeyword) {
          errorAt(loc, "a positional argument cannot follow keyword "
                       "arguments");
          return false;
        }
        args.push_back({"", loc, std::move(e)});
      }
      if (lex.cur() == Tok::Comma)
        lex.next();
      else if (lex.cur() != Tok::RParen)
        return expected("',' or ')' in the argument list"), false;
    }
    lex.next();
    return true;
  }

  ExprPtr parsePrimary() {
    SrcLoc loc = lex.loc();
    switch (lex.cur()) {
    case Tok::Int: {
      int64_t v = lex.intValue();
      lex.next();
      return std::make_unique<IntExprAST>(loc, v);
    }
    case Tok::Float: {
      double v = lex.floatValue();
      lex.next();
      return std::make_unique<FloatExprAST>(loc, v);
    }
    case Tok::String: {
      std::string v = lex.stringValue();
      lex.next();
      return std::make_unique<StringExprAST>(loc, std::move(v));
    }
    case Tok::KwTrue:
    case Tok::KwFalse: {
      bool v = lex.cur() == Tok::KwTrue;
      lex.next();
      return std::make_unique<BoolExprAST>(loc, v);
    }
    case Tok::Ident: {
      std::string name = lex.spelling().str();
      lex.next();
      if (lex.cur() != Tok::LParen)
        return std::make_unique<VarExprAST>(loc, std::move(name));
      std::vector<ArgAST> args;
      if (!parseArgs(args))
        return nullptr;
      return bounded(std::make_unique<CallExprAST>(loc, std::move(name),
                                                   std::move(args), false));
    }
    case Tok::LParen: {
      lex.next();
      ExprPtr e = parseExpr();
      if (!e || !consume(Tok::RParen, "to close the parenthesis"))
        return nullptr;
      return e;
    }
    case Tok::LBracket: {
      lex.next();
      std::vector<ExprPtr> elts;
      while (lex.cur() != Tok::RBracket) {
        ExprPtr e = parseExpr();
        if (!e)
          return nullptr;
        elts.push_back(std::move(e));
        if (lex.cur() == Tok::Comma)
          lex.next();
        else if (lex.cur() != Tok::RBracket)
          return expected("',' or ']' in the list"), nullptr;
      }
      lex.next();
      return bounded(std::make_unique<ListExprAST>(loc, std::move(elts)));
    }
    default:
      expected("an expression");
      return nullptr;
    }
  }

  Lexer &lex;
  ErrorFn onError;
  bool failedParse = false;
  /// Recursion depth, and whether it went past kMaxNesting (parsing stops).
  unsigned depth = 0;
  bool tooDeep = false;
  unsigned lastErrorLine = 0, lastErrorCol = 0;
};

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_PARSER_H

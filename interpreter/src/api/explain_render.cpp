// Rendering of explanations: an indented tree for people, JSON for programs.
#include <fmt/format.h>

#include "pol/explain.hpp"

#include "json_string.hpp"

namespace pol {
namespace {

const char* kind_name(ExplanationNode::Kind kind) {
  switch (kind) {
    case ExplanationNode::Kind::Output: return "output";
    case ExplanationNode::Kind::Rule: return "rule";
    case ExplanationNode::Kind::Input: return "input";
    case ExplanationNode::Kind::Parameter: return "parameter";
    case ExplanationNode::Kind::Context: return "context";
    case ExplanationNode::Kind::Schedule: return "schedule";
    case ExplanationNode::Kind::Exception: return "exception";
    case ExplanationNode::Kind::Function: return "function";
    case ExplanationNode::Kind::Requirement: return "require";
  }
  return "?";
}

std::string place(const SourceRange& range) {
  if (range.file.empty()) return "";
  return fmt::format("{}:{}", range.file, range.begin.line);
}

void text_node(const ExplanationNode& node, const std::string& indent, bool last, bool top, std::string& out) {
  std::string line = top ? "" : indent + (last ? "└─ " : "├─ ");
  if (node.kind == ExplanationNode::Kind::Exception) {
    line += fmt::format("{}: {}", node.note, node.name);
  } else {
    line += fmt::format("{} = {}", node.name, node.value);
    std::vector<std::string> details;
    if (node.kind != ExplanationNode::Kind::Rule && node.kind != ExplanationNode::Kind::Output)
      details.push_back(kind_name(node.kind));
    if (node.from) details.push_back("from " + node.from->to_string());
    if (!node.note.empty()) details.push_back(node.note);
    if (node.repeated) details.push_back("explained above");
    std::string where = place(node.location);
    if (!where.empty()) details.push_back(where);
    if (!details.empty()) {
      line += "   (";
      for (std::size_t i = 0; i < details.size(); ++i) line += (i ? ", " : "") + details[i];
      line += ")";
    }
    if (!node.citation.empty()) line += "  [" + node.citation + "]";
  }
  out += line + "\n";
  if (node.repeated) return;
  const std::string child_indent = top ? "" : indent + (last ? "   " : "│  ");
  for (std::size_t i = 0; i < node.children.size(); ++i)
    text_node(node.children[i], child_indent, i + 1 == node.children.size(), false, out);
}

std::string quote(const std::string& s) { return detail::json_string(s); }

void json_node(const ExplanationNode& node, std::string& out) {
  out += fmt::format("{{\"kind\":{},\"name\":{}", quote(kind_name(node.kind)), quote(node.name));
  if (node.kind != ExplanationNode::Kind::Exception)
    out += fmt::format(",\"type\":{},\"value\":{}", quote(node.type), quote(node.value));
  if (!node.citation.empty()) out += ",\"citation\":" + quote(node.citation);
  if (!node.location.file.empty())
    out += fmt::format(",\"file\":{},\"line\":{},\"column\":{}", quote(node.location.file), node.location.begin.line,
                       node.location.begin.column);
  if (node.from) out += ",\"from\":" + quote(node.from->to_string());
  if (!node.note.empty()) out += ",\"note\":" + quote(node.note);
  if (node.repeated) out += ",\"repeated\":true";
  if (!node.children.empty() && !node.repeated) {
    out += ",\"children\":[";
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      if (i) out += ',';
      json_node(node.children[i], out);
    }
    out += ']';
  }
  out += '}';
}

}  // namespace

std::string render_text(const Explanation& explanation) {
  std::string out = fmt::format("record {} as of {}\n", explanation.record_id, explanation.as_of.to_string());
  for (const auto& node : explanation.outputs) {
    out += "\n";
    text_node(node, "", true, true, out);
  }
  if (explanation.error)
    out += fmt::format("\nevaluation failed in {} at {}:{}:{}: {}\n", explanation.error->rule,
                       explanation.error->location.file, explanation.error->location.begin.line,
                       explanation.error->location.begin.column, explanation.error->message);
  return out;
}

std::string render_json(const Explanation& explanation) {
  std::string out = fmt::format("{{\"id\":{},\"as_of\":{},\"outputs\":[", quote(explanation.record_id),
                                quote(explanation.as_of.to_string()));
  for (std::size_t i = 0; i < explanation.outputs.size(); ++i) {
    if (i) out += ',';
    json_node(explanation.outputs[i], out);
  }
  out += ']';
  if (explanation.error)
    out += fmt::format(",\"error\":{{\"rule\":{},\"message\":{},\"file\":{},\"line\":{}}}", quote(explanation.error->rule),
                       quote(explanation.error->message), quote(explanation.error->location.file),
                       explanation.error->location.begin.line);
  return out + "}\n";
}

}  // namespace pol

"""The rule catalogue: every finding juesuan can give has a stable code listed here."""

from juesuan.rules.registry import BUILTIN, RULES, Rule, finding, rule

__all__ = ["BUILTIN", "RULES", "Rule", "finding", "rule"]

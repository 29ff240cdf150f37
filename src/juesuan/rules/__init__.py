"""The rule catalogue: every finding juesuan can give has a stable code listed here."""

from juesuan.rules.registry import RULES, Rule, finding, rule

__all__ = ["RULES", "Rule", "finding", "rule"]

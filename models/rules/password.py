"""Password rules for accounts (OWASP ASVS 2.1: length over composition rules)."""

from models.rules import RuleError

MIN_LENGTH = 12
MAX_LENGTH = 128
# A few that people really choose; the length rule already excludes most of the rest.
_COMMON = {
    "123456789012", "1234567890ab", "qwertyuiop12", "password1234", "passwordpassword",
    "111111111111", "000000000000", "abc123456789", "woaini123456", "admin1234567",
}


def check_password(password: str, *, phone: str = "") -> str:
    """The password unchanged, or RuleError naming the rule it breaks."""
    if not isinstance(password, str) or not password:
        raise RuleError("请设置密码")
    if len(password) < MIN_LENGTH:
        raise RuleError(f"密码至少{MIN_LENGTH}位")
    if len(password) > MAX_LENGTH:
        raise RuleError(f"密码最多{MAX_LENGTH}位")
    if len(set(password)) < 4:
        raise RuleError("密码过于简单，请混合使用不同字符")
    if password.lower() in _COMMON:
        raise RuleError("密码过于常见，请换一个")
    if phone and phone in password:
        raise RuleError("密码不能包含手机号")
    return password

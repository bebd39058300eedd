"""The errors of the HCL parser: invalid syntax, and text nested too deeply to read."""

from __future__ import annotations

from tfgen.errors import Location, Problem, UserError


class HclSyntaxError(UserError):
    """The text is not valid HCL; carries the first error's position (1-based)."""

    code = "HCL001"
    hint = "fix the HCL syntax at this position"

    def __init__(self, filename: str, line: int, column: int, message: str) -> None:
        self.filename = filename
        self.line = line
        self.column = column
        self.message = message
        location = Location(filename, line, column)
        problem = Problem(self.code, self.headline(message), location, self.hint)
        super().__init__([problem])

    @staticmethod
    def headline(message: str) -> str:
        return f"invalid HCL: {message}"


class HclTooDeep(HclSyntaxError):
    """An expression nests deeper than python-hcl2 can read (Python's recursion limit,
    near 300 levels).  Terraform itself reads it: this is a limit of tfgen, not an error
    in the file."""

    code = "HCL002"
    hint = (
        "terraform accepts this file, tfgen cannot check it; move parts of the expression "
        "into locals to have it checked"
    )
    MESSAGE = "expression nested too deeply for tfgen's HCL parser (python-hcl2)"

    def __init__(self, filename: str, line: int = 1) -> None:
        super().__init__(filename, line, 1, self.MESSAGE)

    @staticmethod
    def headline(message: str) -> str:
        return message

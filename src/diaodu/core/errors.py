"""Domain errors with Chinese messages; the web layer maps them to HTTP status codes."""


class DiaoduError(Exception):
    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(DiaoduError):
    status_code = 422


class NotFound(DiaoduError):
    status_code = 404

    def __init__(self, message: str = "记录不存在或无权查看"):
        super().__init__(message)


class Forbidden(DiaoduError):
    status_code = 403

    def __init__(self, message: str = "无权执行此操作"):
        super().__init__(message)


class Conflict(DiaoduError):
    status_code = 409

    def __init__(self, message: str = "数据已被他人修改，请刷新后重试"):
        super().__init__(message)


class NotAuthenticated(DiaoduError):
    status_code = 401

    def __init__(self, message: str = "请先登录"):
        super().__init__(message)


class TooManyAttempts(DiaoduError):
    status_code = 429

using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Runner.Core.Database;

namespace Runner.Api.Requests;

/// <summary>
/// The last line: a request the server refused while reading it keeps its status (413, 400), an absent
/// database is a 503 the client may retry, and anything else is a logged 500; all as problem+json.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception error, CancellationToken ct)
    {
        var (status, detail) = error switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            // The dashboard's forms: a token that cannot be read (a broken form body) or does not match.
            AntiforgeryValidationException => (StatusCodes.Status400BadRequest, $"The form's anti-forgery token is missing or invalid: {error.Message}"),
            _ when DatabaseProblem.IsUnavailable(error) =>
                (StatusCodes.Status503ServiceUnavailable, $"The database is not reachable right now; try again in {RetryAfterSeconds} seconds."),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error; it has been logged."),
        };
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
            logger.LogWarning("{Method} {Path}: database unavailable ({Error})", http.Request.Method, http.Request.Path, error.GetBaseException().Message);
        }
        else if (status >= 500)
            logger.LogError(error, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
        await Problems.WriteAsync(http, status, detail);
        return true;
    }
}

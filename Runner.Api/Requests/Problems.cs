using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Runner.Api.Requests;

/// <summary>
/// Problem answers written from middleware. They are always application/problem+json, whatever the
/// client's Accept header says: a refusal is not content-negotiated away into plain text.
/// </summary>
public static class Problems
{
    public static IResult Status(int status, string detail, string? title = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    public static Task WriteAsync(HttpContext context, int status, string detail, string? title = null) =>
        Status(status, detail, title).ExecuteAsync(context);

    /// <summary>For the status code pages: an empty 4xx/5xx (no route, wrong method, Hangfire's refusals) gets a problem body.</summary>
    public static Task WriteStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var detail = status switch
        {
            StatusCodes.Status404NotFound => $"There is nothing at {http.Request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not accept {http.Request.Method}.",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return WriteAsync(http, status, detail);
    }
}

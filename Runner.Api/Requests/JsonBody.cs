using System.Text.Json;
using System.Text.Json.Nodes;
using Runner.Core.Validation;

namespace Runner.Api.Requests;

/// <summary>
/// A request's JSON body, bounded before it is read: JSON content type (415 otherwise), at most
/// <see cref="MaxBytes"/> (413), then <see cref="JsonInput"/>'s strict parse (400 naming the field).
/// </summary>
public static class JsonBody
{
    /// <summary>A 1,000-run batch specification is a few kilobytes; analysis samples of 500 arms × 500 runs fit too.</summary>
    public const int MaxBytes = 4 << 20;

    /// <summary>The parsed body, or the problem to answer with; an empty body reads as null when <paramref name="optional"/>, the literal null never.</summary>
    public static async Task<(JsonNode? Node, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct, bool optional = false)
    {
        if (request.ContentLength is > MaxBytes)
            return (null, TooLarge());
        var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxBytes)
                return (null, TooLarge());
            body.Write(buffer, 0, read);
        }
        if (body.Length == 0 && optional)
            return (null, null);
        if (!request.HasJsonContentType())
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON with Content-Type: application/json."));
        var (node, errors) = JsonInput.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
        if (errors.Count == 0 && node is null)
            errors["body"] = ["The body is the JSON literal null; send a JSON object."];
        return errors.Count > 0 ? (null, TypedResults.ValidationProblem(errors, title: "The body is not acceptable JSON; nothing was stored.")) : (node, null);
    }

    /// <summary>The body as <typeparamref name="T"/> with unknown fields refused, or the problem to answer with.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, string what, CancellationToken ct, bool optional = false) where T : class
    {
        var (node, problem) = await ReadAsync(request, ct, optional);
        if (problem is not null || node is null)
            return (null, problem);
        if (node is not JsonObject)
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"Send {what} as a JSON object."] }));
        var (value, errors) = JsonInput.Read<T>(node, JsonInput.Strict, what);
        return errors.Count > 0 ? (null, TypedResults.ValidationProblem(errors)) : (value, null);
    }

    private static IResult TooLarge() =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes / (1 << 20)} MiB; nothing was read.");
}

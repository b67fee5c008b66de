namespace Runner.Api.Requests;

/// <summary>
/// Bounds checked before any work: the URI's length here (414 problem+json), the body's in
/// <see cref="JsonBody"/>. Kestrel's own, larger limits only catch what never reaches the application.
/// </summary>
public static class RequestLimits
{
    public const int MaxUriLength = 8 * 1024;

    public static void ConfigureKestrel(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestLineSize = 8 * MaxUriLength;
        kestrel.Limits.MaxRequestBodySize = 2L * JsonBody.MaxBytes;
    }

    public static IApplicationBuilder UseUriLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxUriLength)
            {
                await Problems.WriteAsync(context, StatusCodes.Status414UriTooLong, $"The address is longer than {MaxUriLength} characters.");
                return;
            }
            await next(context);
        });
}

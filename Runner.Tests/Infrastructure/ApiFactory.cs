using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// The real API in process (test server) on a real database. Requests arrive from a non-loopback
/// address unless <paramref name="fromLoopback"/> is set, so the API-key rules apply as for a remote client.
/// </summary>
public sealed class ApiFactory(string connectionString, IReadOnlyDictionary<string, string>? settings = null, bool fromLoopback = false)
    : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-api-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Runner", connectionString);
        builder.UseSetting("Access:ApiKey", ApiKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(fromLoopback ? IPAddress.Loopback : IPAddress.Parse("203.0.113.7"))));
    }

    public HttpClient CreateClientWithKey()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    private sealed class RemoteAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                await nextMiddleware(context);
            });
            next(app);
        };
    }
}

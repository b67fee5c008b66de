using Runner.Api;
using Runner.Core.Hosting;

return await StartupGuard.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddRunnerApi();
    var app = builder.Build();
    await app.MigrateDatabaseAsync();
    app.MapRunnerApi();
    await app.RunAsync();
    return 0;
});

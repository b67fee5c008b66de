using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Runner.Core.Recipes;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Foundation;

/// <summary>db/0006: recipes stored while the field was called gpuData read back, and pass the worker's hash check, after the rename.</summary>
public sealed class RecipeRenameMigrationTests : ApiTestBase
{
    [Fact]
    public async Task Recipes_stored_with_gpuData_are_renamed_in_place_and_rehashed()
    {
        var id = await SubmitBatchAsync("""{"name": "legacy", "base": {"preset": "tta"}, "seeds": 2, "queue": "gpu"}""");
        var expected = RecipeJson.Canonical(Presets.Find("tta")!.Recipe);
        foreach (var table in new[] { "arms", "runs" })
            await Db.ExecuteAsync($"""
                update {table} set recipe = replace(recipe, '"groupAugmentation":', '"gpuData":') where batch_id = {id};
                update {table} set recipe_hash = encode(sha256(convert_to(recipe, 'UTF8')), 'hex') where batch_id = {id};
                """);
        Assert.Equal(3L, await Db.ScalarAsync<long>($"select (select count(*) from arms where batch_id = {id} and recipe like '%gpuData%') + (select count(*) from runs where batch_id = {id} and recipe like '%gpuData%')"));

        await Db.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "db", "0006_group_augmentation.sql")));

        foreach (var table in new[] { "arms", "runs" })
        {
            Assert.Equal(expected, await Db.ScalarAsync<string>($"select min(recipe) from {table} where batch_id = {id}"));
            Assert.Equal(RecipeJson.HashOf(expected), await Db.ScalarAsync<string>($"select min(recipe_hash) from {table} where batch_id = {id}"));
        }
        var arm = (await Client.GetFromJsonAsync<JsonNode>($"/batches/{id}"))!["arms"]![0]!;
        Assert.True(arm["recipe"]!["groupAugmentation"]!.GetValue<bool>());
    }
}

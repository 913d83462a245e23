import PackagePlugin

/// Compiles `OpenAPI/openapi.json` into the target as `let openAPIDocument: String`, so the
/// binary carries the document wherever it is copied and nothing reads it from disk.
@main struct EmbedOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let input = target.directoryURL.appending(path: "OpenAPI/openapi.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocument.swift")
        return [
            .buildCommand(
                displayName: "Embedding OpenAPI/openapi.json",
                executable: try context.tool(named: "EmbedText").url,
                arguments: [input.path(), output.path(), "openAPIDocument"],
                inputFiles: [input],
                outputFiles: [output]
            )
        ]
    }
}

import CairnCore
import CairnStorage
import Hummingbird

/// The admin API, `/admin/v1/…`, every route behind `AdminAuthMiddleware`.
enum AdminRoutes {
    static func add(
        to router: Router<CairnRequestContext>,
        stores: CairnStores,
        clock: any CairnClock,
        regulations: RegulationsController,
        channels: ChannelsController
    ) {
        let admin = router.group("admin/v1")
            .add(middleware: AdminAuthMiddleware(tokens: stores.adminTokens))
            .group(context: AdminContext.self)
        APITokensController(stores: stores, clock: clock).addRoutes(to: admin)
        BrandsController(brands: stores.brands, clock: clock).addRoutes(to: admin)
        AdminTokensController(tokens: stores.adminTokens, clock: clock).addRoutes(to: admin)
        let brand = admin.group("brands/:clientId/:accountId/:brandId").add(middleware: AdminBrandScopeMiddleware())
        AssetsController(assets: stores.assets, clock: clock).addRoutes(to: brand)
        JourneysController(
            journeys: stores.journeys,
            assets: stores.assets,
            instances: stores.journeyInstances,
            clock: clock
        )
        .addRoutes(to: brand)
        JourneyInstancesController(instances: stores.journeyInstances).addRoutes(to: brand)
        AssetPreviewController(assets: stores.assets, profiles: stores.profiles).addRoutes(to: brand)
        channels.addRoutes(to: brand)
        MessagesController(outbox: stores.outbox, clock: clock).addRoutes(to: brand)
        regulations.addRoutes(to: brand)
    }
}

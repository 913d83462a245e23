/// The commands a track event may be: a send planned into the outbox, a customer put on a
/// journey. Both are applied in order with the customer's other events.
extension ProfileProcessor {
    /// Plans a send command against the customer as they are now; a message goes to the outbox.
    mutating func send(
        channel: AssetChannel,
        assetId: String,
        logged: LoggedEvent,
        body: [String: JSONValue],
        profile: CustomerProfile
    ) -> EventError? {
        let tenant = logged.entry.tenant
        let request = SendPlanner.Request(
            eventId: logged.entry.id,
            body: body,
            channel: channel,
            assetId: assetId,
            profile: profile,
            asset: snapshot.assets[IdentityKey(tenant, assetId)],
            brandHasProvider: snapshot.brandChannels.contains(BrandChannel(tenant: tenant, channel: channel))
        )
        switch sends.plan(request, makeId: makeId, at: now) {
        case .success(let planned):
            messages.append(contentsOf: planned)
            return nil
        case .failure(let error):
            return error
        }
    }

    /// Puts the customer on the journey's live version, at its entry step or `stepId`: a new
    /// instance, which the engine enters at once. The checks run in this order: identified, the
    /// journey exists, is live, has the step, and its reentry rule lets the customer in.
    mutating func enter(
        journeyId: String,
        stepId: String?,
        logged: LoggedEvent,
        body: [String: JSONValue],
        profile: CustomerProfile
    ) -> EventError? {
        guard profile.identified else { return .customerNotIdentified }
        let tenant = logged.entry.tenant
        guard Journey.isId(journeyId),
            let journey = snapshot.enrolments.journeys[IdentityKey(tenant, journeyId.lowercased())]
        else { return .journeyNotFound }
        guard journey.status == .live, let live = journey.live,
            let definition = try? JourneyDefinition(json: live.definition)
        else { return .journeyNotLive }
        let start = stepId ?? definition.entryStepId
        guard definition.step(start) != nil else { return .stepNotFound }
        guard
            snapshot.enrolments.mayEnter(profile.customerId, journeyId: journey.journeyId, reentry: definition.reentry)
        else { return .alreadyInJourney }
        var instance = JourneyInstance(
            instanceId: makeId(),
            tenant: tenant,
            journeyId: journey.journeyId,
            version: live.version,
            customerId: profile.customerId,
            userId: profile.userId,
            eventId: logged.entry.id,
            data: JourneyInstance.data(of: body),
            enteredAt: now
        )
        instance.stepId = start
        instance.wakeAt = now
        instance.listening = definition.listenedFor
        if !instance.listening.isEmpty { snapshot.journeyListeners.insert(profile.customerId) }
        instances.append(instance)
        snapshot.enrolments.entered(profile.customerId, journeyId: journey.journeyId)
        return nil
    }
}

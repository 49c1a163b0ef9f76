#include "ui/widgets/message_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace lightning::ui {

MessageBanner::MessageBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("messageBanner"));
    setAutoFillBackground(true);
    text_ = new QLabel(this);
    text_->setObjectName(QStringLiteral("messageText"));
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A word longer than the space (a path) must not widen the window: it is wrapped or cut.
    text_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    text_->setMinimumWidth(120);
    auto* settings = new QPushButton(tr("Settings…"), this);
    connect(settings, &QPushButton::clicked, this, &MessageBanner::settingsRequested);
    retry_ = new QPushButton(tr("Retry"), this);
    retry_->setObjectName(QStringLiteral("retryButton"));
    connect(retry_, &QPushButton::clicked, this, [this] {
        dismiss();
        Q_EMIT retryRequested();
    });
    auto* close = new QPushButton(tr("Dismiss"), this);
    close->setObjectName(QStringLiteral("dismissButton"));
    connect(close, &QPushButton::clicked, this, &MessageBanner::dismiss);
    details_button_ = new QPushButton(tr("Show details"), this);
    details_button_->setObjectName(QStringLiteral("showDetailsButton"));
    details_button_->setCheckable(true);
    details_button_->setToolTip(tr("The engine's full message, to copy into a bug report"));
    details_ = new QPlainTextEdit(this);
    details_->setObjectName(QStringLiteral("messageDetails"));
    details_->setReadOnly(true);
    details_->setMaximumHeight(120);
    details_->hide();
    connect(details_button_, &QPushButton::toggled, this, [this](bool shown) {
        details_->setVisible(shown);
        details_button_->setText(shown ? tr("Hide details") : tr("Show details"));
    });
    auto* row = new QHBoxLayout;
    row->addWidget(text_, 1);
    row->addWidget(details_button_);
    row->addWidget(retry_);
    row->addWidget(settings);
    row->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(details_);
    hide();
}

void MessageBanner::show_message(const QString& text, bool is_error, const QString& details,
                                 bool offer_retry) {
    text_->setText(text);
    details_->setPlainText(details);
    details_button_->setChecked(false);
    details_button_->setVisible(!details.isEmpty());
    QPalette colours = palette();
    colours.setColor(QPalette::Window,
                     is_error ? QColor(0xfd, 0xe2, 0xe2) : QColor(0xe2, 0xef, 0xfd));
    colours.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    setPalette(colours);
    text_->setPalette(colours);
    retry_->setVisible(offer_retry);
    show();
}

void MessageBanner::dismiss() {
    hide();
    text_->clear();
    details_->clear();
    details_button_->setChecked(false);
}

QString MessageBanner::text() const {
    return isHidden() ? QString() : text_->text();
}

QString MessageBanner::details() const {
    return isHidden() ? QString() : details_->toPlainText();
}

}  // namespace lightning::ui
